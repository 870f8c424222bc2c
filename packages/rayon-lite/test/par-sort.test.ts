import { AbortError, ItemError, parSort, parSortUnstable, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';

const pool = new ThreadPool({ numThreads: 2 });
const three = new ThreadPool({ numThreads: 3 });
afterAll(() => Promise.all([pool.close(), three.close()]));

type Kind =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const numberKinds: Kind[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
];

/** Long enough to be sorted by the workers (shorter arrays are sorted on the calling thread). */
const N = 100_003;

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function randoms(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  });
}

function shared<A extends { BYTES_PER_ELEMENT: number; length: number; set(a: ArrayLike<any>): void }>(
  Ctor: new (buffer: SharedArrayBuffer) => A,
  values: ArrayLike<any>,
  bytes: number,
): A {
  const array = new Ctor(new SharedArrayBuffer(values.length * bytes));
  array.set(values);
  return array;
}

/** TypedArray#sort's order, compared bit for bit (so -0/+0 and NaN count). */
function expectSorted(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`differs at ${i}: ${String(actual[i])} instead of ${String(expected[i])}`);
    }
  }
}

/** Inputs that break naive sorts. */
const shapes: [string, (n: number) => number[]][] = [
  ['random', (n) => randoms(n, 7)],
  ['sorted', (n) => Array.from({ length: n }, (_, i) => i / n)],
  ['reversed', (n) => Array.from({ length: n }, (_, i) => (n - i) / n)],
  ['all equal', (n) => Array.from({ length: n }, () => 0.5)],
  ['few distinct', (n) => randoms(n, 3).map((x) => Math.floor(x * 4) / 4)],
  ['organ pipe', (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - i) / n)],
];

describe('parSort', () => {
  it.each(numberKinds.map((Kind) => [Kind.name, Kind] as const))(
    'should sort a shared %s in place as TypedArray#sort does, for every input shape',
    async (_name, Kind) => {
      for (const [, shape] of shapes) {
        const values = shape(N).map((x) => (x - 0.5) * 2 ** 33);
        const array = shared(Kind as never, Kind.from(values), Kind.BYTES_PER_ELEMENT) as Float64Array;
        const expected = array.slice().sort();
        const result = await parSort(array, undefined, { pool });
        expect(result).toBe(array);
        expectSorted(array, expected);
      }
    },
  );

  it('should sort bigint arrays', async () => {
    for (const Kind of [BigInt64Array, BigUint64Array]) {
      const values = randoms(N, 11).map((x) => BigInt(Math.floor((x - 0.5) * 2 ** 52)) * 4099n);
      const array = Kind.from(values.map((v) => (Kind === BigUint64Array && v < 0n ? -v : v)));
      const expected = array.slice().sort();
      await parSort(array, undefined, { pool });
      expectSorted(array, expected);
    }
  });

  it('should put -0 before +0 and NaN last in float arrays, as TypedArray#sort', async () => {
    for (const Kind of [Float32Array, Float64Array]) {
      const values = randoms(N, 5).map((x, i) =>
        i % 7 === 0 ? Number.NaN : i % 5 === 0 ? -0 : i % 3 === 0 ? 0 : x < 0.3 ? -x : x,
      );
      const array = shared(Kind as never, values, Kind.BYTES_PER_ELEMENT) as Float64Array;
      // NaNs with the sign bit set too, written as bits (an assignment may make them positive).
      const words = new Uint32Array(array.buffer);
      const wordsPerItem = Kind.BYTES_PER_ELEMENT / 4;
      for (let i = 3; i < array.length; i += 11) words[i * wordsPerItem + wordsPerItem - 1] = 0xfff80000;
      const expected = array.slice().sort();
      expect(Number.isNaN(expected[expected.length - 1])).toBe(true);
      await parSort(array, undefined, { pool });
      expectSorted(array, expected);
    }
  });

  it('should copy an array that is not shared through shared memory and back', async () => {
    const array = Float64Array.from(randoms(N, 9));
    const expected = array.slice().sort();
    const result = await parSort(array, undefined, { pool });
    expect(result).toBe(array);
    expect(array.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expectSorted(array, expected);
  });

  it('should be stable with a comparator, on every input shape and thread count', async () => {
    for (const [name, shape] of shapes) {
      for (const p of [pool, three]) {
        // Keys in the integer part, the original position in the fraction: equal keys must keep
        // their positions in order.
        const keys = shape(N).map((x) => Math.floor(x * 50));
        const values = keys.map((k, i) => k + i / N);
        const array = shared(Float64Array, values, 8);
        await parSort(array, (a, b) => Math.floor(a) - Math.floor(b), { pool: p });
        const expected = values.slice().sort((a, b) => Math.floor(a) - Math.floor(b) || a - b);
        try {
          expectSorted(array, expected);
        } catch (error) {
          throw new Error(`${name}, ${p.numThreads} threads: ${(error as Error).message}`);
        }
      }
    }
  });

  it('should sort descending with a comparator, and accept a module task', async () => {
    const array = Int32Array.from(randoms(N, 13), (x) => x * 1e6);
    const expected = array.slice().sort((a, b) => b - a);
    await parSort(array, (a, b) => b - a, { pool });
    expectSorted(array, expected);
    const again = Int32Array.from(randoms(N, 17), (x) => x * 1e6);
    const byModule = { module: new URL('./fixtures/tasks.mjs', import.meta.url), name: 'descending' };
    await parSort(again, byModule, { pool });
    expectSorted(
      again,
      again.slice().sort((a, b) => b - a),
    );
  });

  it('should sort short arrays on the calling thread, with or without a comparator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 }), async (xs) => {
        const a = Int16Array.from(xs);
        await parSort(a, undefined, { pool });
        expect(Array.from(a)).toEqual(xs.slice().sort((x, y) => x - y));
        const b = Int16Array.from(xs);
        await parSortUnstable(b, (x, y) => y - x, { pool });
        expect(Array.from(b)).toEqual(xs.slice().sort((x, y) => y - x));
      }),
      { numRuns: 30 },
    );
  });

  it('should sort any length around the thresholds', async () => {
    for (const n of [0, 1, 2, 16_383, 16_384, 16_385, 40_000, 65_537]) {
      const array = shared(Float64Array, randoms(n, n + 1), 8);
      const expected = array.slice().sort();
      await parSort(array, undefined, { pool: three });
      expectSorted(array, expected);
    }
  });

  it('should leave every item in the array when the comparator throws', async () => {
    const values = randoms(N, 19);
    const array = shared(Float64Array, values, 8);
    const error = await parSort(
      array,
      (a, b) => {
        if (a > 0.99 && b > 0.99) throw new RangeError('no');
        return a - b;
      },
      { pool },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemError);
    expect((error as ItemError).stage).toBe('parSort compare');
    expect((error as ItemError).cause).toBeInstanceOf(RangeError);
    expectSorted(array.slice().sort(), Float64Array.from(values).sort());
  });

  it('should leave every item in the array when aborted at any point, and the pool usable', async () => {
    for (const delay of [0, 5, 25, 60]) {
      const values = randoms(300_000, 23 + delay);
      const array = shared(Float64Array, values, 8);
      const controller = new AbortController();
      const pending = parSort(
        array,
        (a, b) => {
          for (let k = 0; k < 50; k++) Math.sqrt(k);
          return a - b;
        },
        { pool, signal: controller.signal },
      );
      setTimeout(() => controller.abort(), delay);
      const outcome = await pending.then(
        () => 'sorted',
        (e: unknown) => e,
      );
      if (outcome !== 'sorted') expect(outcome).toBeInstanceOf(AbortError);
      expectSorted(array.slice().sort(), Float64Array.from(values).sort());
    }
    const after = shared(Float64Array, randoms(N, 29), 8);
    await parSort(after, undefined, { pool });
    expectSorted(after, after.slice().sort());
  });

  it('should leave every item in the array when a worker dies while sorting runs or merging them', async ({
    skip,
  }) => {
    skip(!withNodeApis, 'process.exit in a thread (worker_threads)');
    const local = new ThreadPool({ numThreads: 2 });
    try {
      // The first half of the items is below 1, the second above: the two runs are compared with
      // each other only when they are merged.
      const cases = [
        ['runs', 'true', 5_000],
        ['runs', 'true', 400_000],
        ['merge', '(a < 1) !== (b < 1)', 1],
        ['merge', '(a < 1) !== (b < 1)', 30_000],
      ] as const;
      for (const [k, [, counts, dieAfter]] of cases.entries()) {
        const values = randoms(200_000, 31 + k).map((x, i) => (i < 100_000 ? x : 1 + x));
        const array = shared(Float64Array, values, 8);
        const dying = new Function(
          `return (a, b) => { if (${counts} && (globalThis.calls${k} = (globalThis.calls${k} ?? 0) + 1) === ${dieAfter}) process.exit(3); return a - b; };`,
        )() as (a: number, b: number) => number;
        const error = await parSort(array, dying, { pool: local }).catch((e: unknown) => e);
        expect((error as Error).name).toBe('ThreadError');
        expectSorted(array.slice().sort(), Float64Array.from(values).sort());
      }
      const after = shared(Float64Array, randoms(N, 37), 8);
      await parSort(after, undefined, { pool: local });
      expectSorted(after, after.slice().sort());
    } finally {
      await local.close();
    }
  });

  it('should refuse what it cannot sort', async () => {
    await expect(parSort([3, 1, 2] as never)).rejects.toThrow(
      /parSort\(array\): array must be a typed array, got an array of length 3/,
    );
    await expect(parSort(new DataView(new ArrayBuffer(8)) as never)).rejects.toThrow(TypeError);
    await expect(parSort(new Int8Array(4), 5 as never)).rejects.toThrow(/parSort\(compare\)/);
    await expect(parSortUnstable(new Int8Array(4), undefined, { pool: {} as never })).rejects.toThrow(
      /options.pool must be a ThreadPool/,
    );
  });
});
