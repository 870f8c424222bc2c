/** Checks that benchmark cases use to verify what a run produced; each throws a readable Error. */

/** `actual` must equal `expected` exactly (integers, counts, exact sums). */
export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: got ${String(actual)}, expected ${String(expected)}`);
  }
}

/** `actual` must be within a relative `tolerance` of `expected` (sums added in another order). */
export function expectClose(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  if (!(Math.abs(actual - expected) <= Math.abs(expected) * tolerance)) {
    throw new Error(`${what}: got ${actual}, expected ${expected}`);
  }
}

/** n(n-1)/2: the sum of 0..n-1, exact for every n the bench uses. */
export function sumBelow(n: number): number {
  return (n * (n - 1)) / 2;
}
