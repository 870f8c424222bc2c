import { range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

describe('findFirst / findLast', () => {
  it('should find the first and last match (rayon examples)', async () => {
    const a = [1, 2, 3, 3];
    expect(await pool.par(a).findFirst((x) => x === 3)).toBe(3);
    expect(await pool.par(a).findFirst((x) => x === 100)).toBeUndefined();
    expect(await pool.par(a).findLast((x) => x === 3)).toBe(3);
    expect(await pool.par(a).findLast((x) => x === 100)).toBeUndefined();
  });

  it('should tell equal matches apart by their order', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ i, even: i % 2 === 0 }));
    expect(await pool.par(items).findFirst((o) => o.even && o.i > 100)).toEqual({ i: 102, even: true });
    expect(await pool.par(items).findLast((o) => o.even && o.i < 900)).toEqual({ i: 898, even: true });
  });

  it('should be exact for random sources, stages and piece bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        async (xs, maxLen, target, expand) => {
          // Values tagged with their position, so equal values are told apart.
          const tagged = xs.map((x, i) => x * 1000 + i);
          let iter = pool.par(tagged).withMaxLen(maxLen);
          let model = tagged;
          if (expand) {
            iter = iter.flatMap((v) => [v, -v]);
            model = tagged.flatMap((v) => [v, -v]);
          }
          const hit = (v: number) => Math.floor(Math.abs(v) / 1000) === target;
          const it2 = iter.with({ target });
          const parHit = (v: number, { target }: { target: number }) =>
            Math.floor(Math.abs(v) / 1000) === target;
          expect(await it2.findFirst(parHit)).toBe(model.find(hit));
          expect(await it2.findLast(parHit)).toBe(model.findLast(hit));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('should not run the pieces after the first match found', async () => {
    const n = 20_000_000;
    const seen = new Int32Array(new SharedArrayBuffer(4));
    const found = await pool
      .par(range(0, n))
      .with({ seen })
      .findFirst((i, { seen }) => {
        Atomics.add(seen, 0, 1);
        return i % 1000 === 10;
      });
    expect(found).toBe(10);
    // The piece with the match runs to it; a worker in a later piece stops at its next check.
    expect(seen[0]).toBeLessThan(n / 4);
  });
});

describe('positionAny / positionFirst', () => {
  it('should give positions (rayon examples)', async () => {
    const a = [1, 2, 3, 3];
    expect([2, 3]).toContain(await pool.par(a).positionAny((x) => x === 3));
    expect(await pool.par(a).positionAny((x) => x === 100)).toBeUndefined();
    expect(await pool.par(a).positionFirst((x) => x === 3)).toBe(2);
    expect(await pool.par(a).positionFirst((x) => x === 100)).toBeUndefined();
  });

  it('should give the position in the source through map, zip and enumerate, and the chunk number after chunks', async () => {
    const it2 = pool.par(range(100, 200)).map((i) => i * 2);
    expect(await it2.positionFirst((x) => x === 300)).toBe(50);
    expect(await it2.zip(range(0, 100)).positionFirst(([, j]) => j === 7)).toBe(7);
    expect(await it2.chunks(10).positionFirst((c) => c.includes(300))).toBe(5);
    expect(await it2.chunks(10).positionAny((c) => c.includes(300))).toBe(5);
  });

  it('should match findIndex for random sources and piece bounds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 20 }),
        async (xs, maxLen, target) => {
          const it2 = pool.par(xs).withMaxLen(maxLen).with({ target });
          const first = await it2.positionFirst((x, { target }) => x === target);
          expect(first).toBe(xs.includes(target) ? xs.indexOf(target) : undefined);
          const any = await it2.positionAny((x, { target }) => x === target);
          if (any === undefined) expect(xs).not.toContain(target);
          else expect(xs[any]).toBe(target);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('should reject after a stage that loses positions', async () => {
    await expect(
      pool
        .par([1, 2])
        .filter(() => true)
        .positionFirst(() => true),
    ).rejects.toThrow(
      /positionFirst: must come before filter, filterMap, flatMap and fold \(found filter before it\)/,
    );
    await expect(
      pool
        .par([1, 2])
        .fold(0, (a) => a)
        .positionAny(() => true),
    ).rejects.toThrow(TypeError);
  });
});
