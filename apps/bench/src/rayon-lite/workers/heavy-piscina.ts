// The heavy-map-sum work as a piscina task over a slice of the items.
import { heavySum } from './heavy-work.js';

export default function run({ from, to }: { from: number; to: number }): number {
  return heavySum(from, to);
}
