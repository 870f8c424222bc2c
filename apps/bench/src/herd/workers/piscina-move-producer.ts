// The packed records as a piscina task: Piscina.move transfers the buffer instead of cloning it.
import { move } from 'piscina';
import { packRecords } from './packed-records.js';

export default function produce({ from, to }: { from: number; to: number }): ArrayBuffer {
  return move(packRecords(from, to)) as ArrayBuffer;
}
