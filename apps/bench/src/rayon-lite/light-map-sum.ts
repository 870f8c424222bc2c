import { availableParallelism } from 'node:os';
import { par, ThreadPool } from '@herd/rayon-lite';
import { defineScenario } from '../harness.js';
import { expectClose } from '../support/checks.js';

const THREADS = availableParallelism();

/**
 * A light map + sum (one multiply-add per number): what the pipeline costs when the work itself
 * is nearly free. Every case runs in a process of its own, so each single-thread loop is warmed
 * on its own and none is slowed by what ran before it. Against `map().reduce()` (the naive way),
 * `for` loops over the array and over the same Float64Array, and that loop with four
 * accumulators (the fastest one thread does).
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 2_000_000 : 10_000_000;
  const shared = new Float64Array(new SharedArrayBuffer(n * 8));
  for (let i = 0; i < n; i++) shared[i] = (i % 1000) * 0.25;
  let expected = 0;
  for (let i = 0; i < n; i++) expected += shared[i]! * 1.5 + 1;
  // Other orders of addition (threads, four accumulators) may change the last bits.
  const verify = (sum: unknown) => expectClose(sum as number, expected, 'sum');
  let array: number[];
  let pool: ThreadPool;
  return {
    id: 'rayon-lite/light-map-sum',
    title: `Light map + sum over ${n.toLocaleString('en')} numbers, ${THREADS} threads`,
    units: n,
    unit: 'number',
    baseline: 'Array map().reduce()',
    targets: [
      { case: 'par (shared Float64Array)', vs: 'for loop, four accumulators', ratio: 1 },
      { case: 'par (shared Float64Array)', vs: 'for loop, four accumulators', ratio: 1.5, kind: 'stretch' },
    ],
    cases: [
      {
        name: 'Array map().reduce()',
        setup() {
          array = Array.from(shared);
        },
        run: () => array.map((x) => x * 1.5 + 1).reduce((a, b) => a + b, 0),
        verify,
      },
      {
        name: 'for loop over the Array',
        setup() {
          array = Array.from(shared);
        },
        run() {
          const xs = array;
          let total = 0;
          for (let i = 0; i < n; i++) total += xs[i]! * 1.5 + 1;
          return total;
        },
        verify,
      },
      {
        name: 'for loop over the Float64Array',
        run() {
          const xs = shared;
          let total = 0;
          for (let i = 0; i < n; i++) total += xs[i]! * 1.5 + 1;
          return total;
        },
        verify,
      },
      {
        name: 'for loop, four accumulators',
        note: 'over the Float64Array, four independent sums so additions overlap',
        run() {
          const xs = shared;
          let a = 0;
          let b = 0;
          let c = 0;
          let d = 0;
          let i = 0;
          for (; i + 3 < n; i += 4) {
            a += xs[i]! * 1.5 + 1;
            b += xs[i + 1]! * 1.5 + 1;
            c += xs[i + 2]! * 1.5 + 1;
            d += xs[i + 3]! * 1.5 + 1;
          }
          for (; i < n; i++) a += xs[i]! * 1.5 + 1;
          return a + b + c + d;
        },
        verify,
      },
      {
        name: 'par (shared Float64Array)',
        note: '`par(shared).map((x) => x * 1.5 + 1).sum()` on a warm pool',
        vs: 'for loop, four accumulators',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        run: () =>
          par(shared, { pool })
            .map((x) => x * 1.5 + 1)
            .sum(),
        verify,
        teardown: () => pool.close(),
      },
      {
        name: 'par (Array)',
        note: 'the same over the array of numbers, which is packed into shared memory on each call',
        setup() {
          array = Array.from(shared);
          pool = new ThreadPool({ numThreads: THREADS });
        },
        run: () =>
          par(array, { pool })
            .map((x) => x * 1.5 + 1)
            .sum(),
        verify,
        teardown: () => pool.close(),
      },
    ],
  };
});
