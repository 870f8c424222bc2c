import { range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

describe('partition', () => {
  it('should split by the predicate, each side in order (rayon example)', async () => {
    expect(await pool.par(range(0, 8)).partition((x) => x % 2 === 0)).toEqual([
      [0, 2, 4, 6],
      [1, 3, 5, 7],
    ]);
    expect(await pool.par([] as number[]).partition(() => true)).toEqual([[], []]);
  });

  it('should keep the order of numbers, other values and a mix of both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.string({ maxLength: 3 })), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (values, maxLen, expand) => {
          const pred = (v: number | string) => String(v).length % 2 === 0;
          let it2 = pool.par(values).withMaxLen(maxLen);
          let model = values;
          if (expand) {
            it2 = it2.flatMap((v) => [v, v]);
            model = values.flatMap((v) => [v, v]);
          }
          const [yes, no] = await it2.partition((v) => String(v).length % 2 === 0);
          expect(yes).toEqual(model.filter(pred));
          expect(no).toEqual(model.filter((v) => !pred(v)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('should partition a large numeric source through shared memory', async () => {
    const n = 1_000_000;
    const [small, large] = await pool
      .par(range(0, n))
      .with({ n })
      .map((i, { n }) => (i * 7919) % n)
      .partition((x, { n }) => x < n / 2);
    const all = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    expect(small).toEqual(all.filter((x) => x < n / 2));
    expect(large).toEqual(all.filter((x) => x >= n / 2));
  });
});
