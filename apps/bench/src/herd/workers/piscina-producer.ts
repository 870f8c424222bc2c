// The same work as a piscina task: returns the array, which piscina clones back.
import { type GatherRecord, makeRecord } from './records.js';

export default function produce({ from, to }: { from: number; to: number }): GatherRecord[] {
  const records: GatherRecord[] = new Array(to - from);
  for (let i = from; i < to; i++) records[i - from] = makeRecord(i);
  return records;
}
