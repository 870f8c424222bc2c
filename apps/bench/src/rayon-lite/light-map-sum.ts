import { availableParallelism } from 'node:os';
import { par, ThreadPool } from '@herd/rayon-lite';
import { defineScenario } from '../harness.js';

const THREADS = availableParallelism();

/**
 * A light map + sum (one multiply-add per number): what the per-item cost of the pipeline is
 * when the work itself is nearly free. Against a `for` loop and `Array.prototype.map().reduce()`.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 2_000_000 : 10_000_000;
  const shared = new Float64Array(new SharedArrayBuffer(n * 8));
  for (let i = 0; i < n; i++) shared[i] = (i % 1000) * 0.25;
  const array = Array.from(shared);
  let expected = 0;
  for (let i = 0; i < n; i++) expected += array[i]! * 1.5 + 1;
  const check = (sum: number) => {
    if (Math.abs(sum - expected) > Math.abs(expected) * 1e-9)
      throw new Error(`sum ${sum}, expected ${expected}`);
  };
  let pool: ThreadPool;
  let arrayPool: ThreadPool;
  return {
    id: 'rayon-lite/light-map-sum',
    title: `Light map + sum over ${n.toLocaleString('en')} numbers, ${THREADS} threads`,
    units: n,
    unit: 'number',
    baseline: 'Array map().reduce()',
    cases: [
      {
        name: 'Array map().reduce()',
        run: () => check(array.map((x) => x * 1.5 + 1).reduce((a, b) => a + b, 0)),
      },
      {
        name: 'for loop',
        run() {
          let total = 0;
          for (let i = 0; i < n; i++) total += array[i]! * 1.5 + 1;
          check(total);
        },
      },
      {
        name: 'par (shared Float64Array)',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        run: async () =>
          check(
            await par(shared, { pool })
              .map((x) => x * 1.5 + 1)
              .sum(),
          ),
        teardown: () => pool.close(),
      },
      {
        // The array of numbers is packed into shared memory on each call (one pass on the caller).
        name: 'par (Array)',
        setup() {
          arrayPool = new ThreadPool({ numThreads: THREADS });
        },
        run: async () =>
          check(
            await par(array, { pool: arrayPool })
              .map((x) => x * 1.5 + 1)
              .sum(),
          ),
        teardown: () => arrayPool.close(),
      },
    ],
  };
});
