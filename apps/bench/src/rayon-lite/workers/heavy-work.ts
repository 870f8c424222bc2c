/**
 * The CPU-heavy item of the heavy-map-sum scenario: a chain of dependent square roots, ~100 ns.
 * The par case writes the same body inline (a shipped callback must be self-contained).
 */
export function heavyItem(i: number): number {
  let x = i;
  for (let k = 0; k < 16; k++) x = Math.sqrt(x + k) * 1.5;
  return x;
}

/** Sum of `heavyItem` over `[from, to)`: one piscina task, one slice of the single-thread loop. */
export function heavySum(from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += heavyItem(i);
  return total;
}
