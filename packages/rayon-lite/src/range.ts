import { show } from '@herd/shared';

/**
 * The half-open integer interval `[start, end)`, as Rust's `start..end`. A `par(range(..))`
 * source costs nothing to send: workers compute their items from the bounds.
 *
 * @example
 * ```ts
 * const r = range(2, 5);
 * r.length; // 3
 * [...r]; // [2, 3, 4]
 * ```
 */
export class Range implements Iterable<number> {
  /** First item. */
  readonly start: number;
  /** One past the last item. */
  readonly end: number;

  constructor(start: number, end: number) {
    checkBound(start, 'start');
    checkBound(end, 'end');
    if (end < start) {
      throw new RangeError(`range: end must not be less than start, got start ${start} and end ${end}`);
    }
    this.start = start;
    this.end = end;
  }

  /** How many items: `end - start`. */
  get length(): number {
    return this.end - this.start;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let i = this.start; i < this.end; i++) yield i;
  }
}

/**
 * The integers from `start` (included) to `end` (excluded), to be iterated in parallel.
 *
 * @param start - first item, a safe integer
 * @param end - one past the last item, a safe integer not less than `start`
 * @throws TypeError when a bound is not a number; RangeError when it is not a safe integer or
 * `end < start`
 * @example
 * ```ts
 * await par(range(0, 1000)).map((i) => i * i).sum(); // 332833500
 * ```
 */
export function range(start: number, end: number): Range {
  return new Range(start, end);
}

function checkBound(value: unknown, name: string): void {
  if (typeof value !== 'number') {
    throw new TypeError(`range: ${name} must be a number, got ${show(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`range: ${name} must be a safe integer, got ${value}`);
  }
}
