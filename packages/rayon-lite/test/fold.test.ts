import { ItemError, range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const seq = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fold', () => {
  it('should sum as rayon documents: fold then sum', async () => {
    expect(
      await pool
        .par(range(0, 22))
        .fold(
          () => 0,
          (a, b) => a + b,
        )
        .sum(),
    ).toBe(231);
  });

  it('should build a string per piece, combined in order by reduce (rayon example)', async () => {
    const chars = seq(22).map((b) => String.fromCharCode(97 + b));
    const result = await pool
      .par(chars)
      .withMaxLen(3)
      .fold(
        () => '',
        (s, c) => s + c,
      )
      .reduce(
        () => '',
        (a, b) => a + b,
      );
    expect(result).toBe('abcdefghijklmnopqrstuv');
  });

  it('should make one accumulator per piece, in order, each from its own copy of a value identity', async () => {
    const parts = await pool
      .par(range(0, 100))
      .withMinLen(10)
      .withMaxLen(10)
      .fold([] as number[], (acc, i) => {
        acc.push(i);
        return acc;
      })
      .collect();
    expect(parts).toEqual(seq(10).map((p) => seq(10).map((k) => p * 10 + k)));
  });

  it('should call an identity function once per piece, with the context', async () => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    const out = await pool
      .par(range(0, 100))
      .withMinLen(25)
      .withMaxLen(25)
      .with({ calls, base: 1000 })
      .fold(
        ({ calls, base }) => {
          Atomics.add(calls, 0, 1);
          return base;
        },
        (acc, i) => acc + i,
      )
      .collect();
    expect(calls[0]).toBe(4);
    expect(out).toEqual([0, 1, 2, 3].map((p) => 1000 + seq(25).reduce((a, k) => a + p * 25 + k, 0)));
  });

  it('should give the identity for a piece whose items were all filtered out, as rayon does', async () => {
    const out = await pool
      .par(range(0, 40))
      .withMinLen(10)
      .withMaxLen(10)
      .filter((i) => i < 10)
      .fold(0, (a, i) => a + i)
      .collect();
    expect(out).toEqual([45, 0, 0, 0]);
  });

  it('should feed the later stages and any terminal', async () => {
    const it2 = pool
      .par(range(0, 1000))
      .fold(0, (a, i) => a + i)
      .map((s) => s * 2);
    expect(await it2.sum()).toBe(999_000);
    expect(
      await pool
        .par(range(0, 1000))
        .flatMap((i) => [i, -i])
        .fold(0, (a, x) => a + x)
        .all((s) => s === 0),
    ).toBe(true);
    expect(
      await pool
        .par(range(0, 300))
        .fold(0, (a) => a + 1)
        .fold(0, (a, n) => a + n)
        .sum(),
    ).toBe(300);
  });

  it('should name the fold stages when they throw', async () => {
    const error = (await pool
      .par(range(0, 100))
      .fold(0, (a, i) => {
        if (i === 73) throw new RangeError('no');
        return a + i;
      })
      .sum()
      .catch((e: unknown) => e)) as ItemError;
    expect(error).toBeInstanceOf(ItemError);
    expect(error.stage).toBe('fold');
    expect(error.index).toBe(73);
    await expect(
      pool
        .par(range(0, 10))
        .fold(
          () => {
            throw new Error('identity');
          },
          (a: number) => a,
        )
        .collect(),
    ).rejects.toThrow(/fold identity callback threw on item 0/);
  });

  it('should refuse a non-function op', () => {
    expect(() => pool.par([1]).fold(0, 5 as never)).toThrow(/fold\(op\): expected a function/);
  });

  it('should fold then reduce to the sequential result, whatever the piece bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        async (xs, maxLen) => {
          const pieces = await pool
            .par(xs)
            .withMaxLen(maxLen)
            .fold(
              () => [] as number[],
              (a, x) => [...a, x],
            )
            .collect();
          expect(pieces.flat()).toEqual(xs);
          for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(maxLen);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('reduceWith', () => {
  it('should reduce without an identity (rayon example)', async () => {
    const sums = await pool
      .par([
        [0, 1],
        [5, 6],
        [16, 2],
        [8, 9],
      ])
      .reduceWith((a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]);
    expect(sums).toEqual([29, 18]);
  });

  it('should give undefined when there is no item, and keep the order of a non-commutative op', async () => {
    expect(await pool.par([] as number[]).reduceWith((a, b) => a + b)).toBeUndefined();
    expect(
      await pool
        .par(range(0, 50))
        .filter(() => false)
        .reduceWith((a, b) => a + b),
    ).toBeUndefined();
    const words = seq(300).map((i) => String.fromCharCode(97 + (i % 26)));
    expect(
      await pool
        .par(words)
        .withMaxLen(7)
        .reduceWith((a, b) => a + b),
    ).toBe(words.join(''));
  });
});

describe('reduce combining pieces on the calling thread', () => {
  it("should reject with an ItemError (stage 'reduce') when op throws there", async () => {
    // In the workers `b` is one item; combining pieces, it is a piece's array: only that throws.
    const error = (await pool
      .par(range(0, 100))
      .withMinLen(10)
      .withMaxLen(10)
      .map((i) => [i])
      .reduce(
        () => [] as number[],
        (a, b) => {
          if (b.length > 1) throw new RangeError('combining');
          return a.concat(b);
        },
      )
      .catch((e: unknown) => e)) as ItemError;
    expect(error).toBeInstanceOf(ItemError);
    expect(error.stage).toBe('reduce');
    // The first item of the piece being combined in.
    expect(error.index).toBe(10);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect((error.cause as Error).message).toBe('combining');
  });

  it('should name reduceWith, minBy and maxBy when they throw combining pieces', async () => {
    const twoPieces = () => pool.par(range(0, 20)).withMinLen(10);
    await expect(
      twoPieces()
        .map((i) => ({ i }))
        .reduceWith((a, b) => {
          // Neighbours in a piece; a piece's last item and the next piece's when combining.
          if (b.i - a.i > 1) throw new Error('x');
          return b;
        }),
    ).rejects.toThrow(/reduceWith callback threw on item 10/);
    // In a piece, compare(best, next) never sees `best` from another piece: that happens only
    // when combining.
    const compare = (a: number, b: number) => {
      if (a < 10 && b >= 10) throw new Error('across');
      return a - b;
    };
    await expect(twoPieces().minBy(compare)).rejects.toThrow(/minBy callback threw on item 10/);
    await expect(twoPieces().maxBy(compare)).rejects.toThrow(/maxBy callback threw on item 10/);
  });

  it('should reject with an ItemError when the identity function throws on an empty source', async () => {
    const error = (await pool
      .par([] as number[])
      .reduce(
        () => {
          throw new Error('no identity');
        },
        (a, b) => a + b,
      )
      .catch((e: unknown) => e)) as ItemError;
    expect(error).toBeInstanceOf(ItemError);
    expect(error.stage).toBe('reduce identity');
  });

  it('should refuse a Promise returned while combining', async () => {
    await expect(
      pool
        .par(range(0, 20))
        .withMinLen(10)
        .map((i) => [i])
        .reduce(
          () => [] as number[],
          // Synchronous in the workers, where `b` is one item; a Promise when combining pieces.
          (a, b) => (b.length > 1 ? (Promise.resolve(a.concat(b)) as never) : a.concat(b)),
        ),
    ).rejects.toThrow(/the reduce callback returned a Promise \(a thenable\) on item 10/);
  });
});
