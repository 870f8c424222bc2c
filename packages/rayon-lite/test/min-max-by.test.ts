import { range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

type Tagged = { key: number; i: number };

describe('minBy / maxBy', () => {
  it('should find the extremes by a comparator (rayon example)', async () => {
    const a = [-3, 77, 53, 240, -1];
    expect(await pool.par(a).minBy((x, y) => x - y)).toBe(-3);
    expect(await pool.par(a).maxBy((x, y) => x - y)).toBe(240);
    expect(await pool.par([] as number[]).minBy((x, y) => x - y)).toBeUndefined();
    expect(await pool.par([] as number[]).maxBy((x, y) => x - y)).toBeUndefined();
  });

  it('should keep the first of equals for min and the last for max, as rayon', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        async (keys, maxLen) => {
          const items: Tagged[] = keys.map((key, i) => ({ key, i }));
          const it2 = pool.par(items).withMaxLen(maxLen);
          const compare = (a: Tagged, b: Tagged) => a.key - b.key;
          const least = Math.min(...keys);
          const most = Math.max(...keys);
          expect(await it2.minBy(compare)).toEqual(items.find((o) => o.key === least));
          expect(await it2.maxBy(compare)).toEqual(items.findLast((o) => o.key === most));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should pass the context to the comparator', async () => {
    expect(
      await pool
        .par(range(0, 100))
        .with({ pivot: 42 })
        .minBy((a, b, { pivot }) => Math.abs(a - pivot) - Math.abs(b - pivot)),
    ).toBe(42);
  });
});

describe('minByKey / maxByKey', () => {
  it('should find the extremes by a key (rayon example)', async () => {
    const a = [-3, 34, 2, 5, -10, -3, -23];
    expect(await pool.par(a).minByKey((x) => Math.abs(x))).toBe(2);
    expect(await pool.par(a).maxByKey((x) => Math.abs(x))).toBe(34);
    expect(await pool.par([] as number[]).maxByKey((x) => x)).toBeUndefined();
  });

  it('should compute each key once and keep the first (min) or last (max) of equal keys', async () => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    const items = Array.from({ length: 500 }, (_, i) => ({ key: (i * 7) % 10, i }));
    const it2 = pool.par(items).withMaxLen(13).with({ calls });
    const byKey = (o: Tagged, { calls }: { calls: Int32Array }) => {
      Atomics.add(calls, 0, 1);
      return o.key;
    };
    expect(await it2.minByKey(byKey)).toEqual(items.find((o) => o.key === 0));
    expect(calls[0]).toBe(500);
    expect(await it2.maxByKey(byKey)).toEqual(items.findLast((o) => o.key === 9));
  });

  it('should compare string keys with < as min and max do', async () => {
    const words = ['pear', 'fig', 'apple', 'kiwi', 'plum'];
    expect(await pool.par(words).minByKey((w) => w.slice(1))).toBe('pear'); // 'ear'
    expect(await pool.par(words).maxByKey((w) => w.length)).toBe('apple');
  });
});
