import { ItemError, range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const seq = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What `chunks(size)` must give: chunk k holds items [k*size, (k+1)*size). */
function chunked<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < xs.length; k += size) out.push(xs.slice(k, k + size));
  return out;
}

describe('chunks', () => {
  it('should group items in order, the last chunk shorter (rayon example)', async () => {
    expect(await pool.par([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).chunks(3).collect()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10],
    ]);
  });

  it('should give chunk k the items [k*size, (k+1)*size) whatever the source, stages and piece bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('range', 'array', 'typed', 'mapped'),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.boolean(),
        async (n, size, kind, minLen, maxLen, boundsAfter) => {
          const xs = kind === 'range' ? seq(n).map((i) => i - 100) : seq(n).map((i) => i * 3 - 100);
          let iter =
            kind === 'range'
              ? pool.par(range(-100, n - 100))
              : kind === 'typed'
                ? pool.par(Int32Array.from(xs))
                : pool.par(xs);
          if (kind === 'mapped') iter = iter.map((x) => x + 0);
          if (!boundsAfter && minLen !== undefined) iter = iter.withMinLen(minLen);
          if (!boundsAfter && maxLen !== undefined) iter = iter.withMaxLen(maxLen);
          let chunks = iter.chunks(size);
          if (boundsAfter && minLen !== undefined) chunks = chunks.withMinLen(minLen);
          if (boundsAfter && maxLen !== undefined) chunks = chunks.withMaxLen(maxLen);
          const out = (await chunks.collect()).map((c) => Array.from(c));
          expect(out).toEqual(chunked(xs, size));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('should nest, and number chunks for enumerate and zip', async () => {
    const xs = seq(23);
    expect(await pool.par(range(0, 23)).chunks(2).chunks(3).withMaxLen(1).collect()).toEqual(
      chunked(chunked(xs, 2), 3),
    );
    expect(
      await pool
        .par(range(0, 10))
        .map((i) => i)
        .chunks(4)
        .enumerate()
        .collect(),
    ).toEqual([
      [0, [0, 1, 2, 3]],
      [1, [4, 5, 6, 7]],
      [2, [8, 9]],
    ]);
    expect(await pool.par(range(0, 10)).chunks(3).zip(['a', 'b', 'c']).collect()).toEqual([
      [[0, 1, 2], 'a'],
      [[3, 4, 5], 'b'],
      [[6, 7, 8], 'c'],
    ]);
  });

  it('should give views of a shared typed-array source, not copies', async () => {
    // Filled in place: TypedArray#map would make a new, unshared array.
    const shared = new Float64Array(new SharedArrayBuffer(8 * 1000));
    shared.forEach((_, i) => {
      shared[i] = i;
    });
    const views = await pool.par(shared).chunks(300).collect();
    expect(views.map((v) => v.length)).toEqual([300, 300, 300, 100]);
    for (const view of views) {
      expect(view).toBeInstanceOf(Float64Array);
      expect((view as unknown as Float64Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    // The same memory: a write to the source shows through the chunk that came back.
    shared[905] = -1;
    expect(views[3]![5]).toBe(-1);
    // In the workers too: a chunk is a view, so a write through it reaches the source.
    await pool
      .par(shared)
      .chunks(64)
      .forEach((view) => {
        view[0] = -2;
      });
    expect(Array.from(shared.filter((x) => x === -2)).length).toBe(Math.ceil(1000 / 64));
  });

  it('should give arrays for an array source, even one packed into shared memory', async () => {
    const long = seq(5000);
    const chunks = await pool.par(long).chunks(1000).collect();
    expect(chunks.every((c) => Array.isArray(c))).toBe(true);
    expect(chunks.flat()).toEqual(long);
  });

  it('should carry withMinLen/withMaxLen given before it over to chunks', async () => {
    // 100 items, at most 20 a piece: at most 5 chunks of 4 a piece, so 5 pieces' states.
    const states = new Int32Array(new SharedArrayBuffer(4));
    await pool
      .par(range(0, 100))
      .withMaxLen(20)
      .withMinLen(20)
      .chunks(4)
      .with({ states })
      .forEachInit(
        ({ states }) => Atomics.add(states, 0, 1),
        () => {},
      );
    expect(states[0]).toBe(5);
  });

  it('should report the first item of a chunk when a later callback throws', async () => {
    const error = (await pool
      .par(range(0, 100))
      .chunks(10)
      .map((c) => {
        if (c[0] === 70) throw new Error('chunk 7');
        return c.length;
      })
      .sum()
      .catch((e: unknown) => e)) as ItemError;
    expect(error).toBeInstanceOf(ItemError);
    expect(error.index).toBe(70);
  });

  it('should refuse a bad size, and come after filter, filterMap, flatMap or fold', () => {
    expect(() => pool.par([1]).chunks(0)).toThrow(RangeError);
    expect(() => pool.par([1]).chunks(1.5)).toThrow(/chunks\(size\): size must be an integer >= 1, got 1.5/);
    expect(() => pool.par([1]).chunks('2' as never)).toThrow(TypeError);
    expect(() =>
      pool
        .par([1])
        .filter(() => true)
        .chunks(2),
    ).toThrow(/chunks: must come before filter, filterMap, flatMap and fold \(found filter before it\)/);
    expect(() =>
      pool
        .par([1])
        .fold(0, (a) => a)
        .chunks(2),
    ).toThrow(/found fold/);
  });
});

describe('zip', () => {
  it('should pair items by position (rayon example)', async () => {
    expect(await pool.par(range(1, 4)).zip(['a', 'b', 'c']).collect()).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('should stop at the shorter of the two', async () => {
    expect(await pool.par([1, 2, 3]).zip(['a', 'b']).collect()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await pool.par(['a', 'b']).zip(range(10, 20)).collect()).toEqual([
      ['a', 10],
      ['b', 11],
    ]);
    expect(await pool.par([1, 2]).zip([]).collect()).toEqual([]);
  });

  it('should zip typed arrays, shared or not, for a dot product', async () => {
    const n = 10_000;
    const xs = new Float64Array(new SharedArrayBuffer(8 * n));
    xs.forEach((_, i) => {
      xs[i] = i;
    });
    const ys = Float64Array.from({ length: n }, (_, i) => (i % 3) - 1);
    const dot = await pool
      .par(xs)
      .zip(ys)
      .map(([x, y]) => x * y)
      .sum();
    let expected = 0;
    for (let i = 0; i < n; i++) expected += xs[i]! * ys[i]!;
    expect(dot).toBe(expected);
  });

  it('should match a sequential zip for random lengths, sources and piece bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 150 }),
        fc.array(fc.string(), { maxLength: 150 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        async (xs, ys, maxLen, enumerateAfter) => {
          const iter = pool.par(xs).withMaxLen(maxLen).zip(ys);
          const pairs = xs.slice(0, Math.min(xs.length, ys.length)).map((x, i) => [x, ys[i]]);
          if (enumerateAfter) {
            expect(await iter.enumerate().collect()).toEqual(pairs.map((p, i) => [i, p]));
          } else {
            expect(await iter.map(([x, y]) => [y, x]).collect()).toEqual(pairs.map(([x, y]) => [y, x]));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should refuse what it cannot zip with, and come before filter, filterMap, flatMap or fold', () => {
    expect(() => pool.par([1]).zip(5 as never)).toThrow(
      /zip\(other\): other must be a Range, an array, an array-like or a typed array, got 5/,
    );
    expect(() =>
      pool
        .par([1])
        .flatMap((x) => [x])
        .zip([1]),
    ).toThrow(/zip: must come before .* \(found flatMap before it\)/);
  });
});
