import { availableParallelism } from 'node:os';
import { parSort, ThreadPool } from '@herd/rayon-lite';
import { defineScenario } from '../harness.js';

const THREADS = availableParallelism();

/**
 * Sorting numbers: `parSort` against TypedArray#sort (native code, one thread) on the same random
 * doubles. Every run first copies the unsorted numbers into the array it sorts — both cases pay
 * that copy.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 2_000_000 : 10_000_000;
  const unsorted = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    unsorted[i] = (seed >>> 0) / 2 ** 32 - 0.5;
  }
  const plain = new Float64Array(n);
  const shared = new Float64Array(new SharedArrayBuffer(n * 8));
  /** A spot check that the array came out sorted: a full pass would cost as much as a copy. */
  const check = (array: Float64Array) => {
    for (let k = 1; k < 1000; k++) {
      const i = Math.floor((k * (n - 1)) / 1000);
      if (!(array[i]! <= array[i + 1]!) || !(array[i]! >= array[0]!)) {
        throw new Error(`not sorted at ${i}: ${array[i]} then ${array[i + 1]}`);
      }
    }
  };
  let pool: ThreadPool;
  return {
    id: 'rayon-lite/sort',
    title: `Sort ${n.toLocaleString('en')} doubles, ${THREADS} threads`,
    units: n,
    unit: 'number',
    baseline: 'TypedArray#sort',
    targets: [{ case: 'parSort (shared Float64Array)', vs: 'TypedArray#sort', ratio: 1.6 }],
    cases: [
      {
        name: 'TypedArray#sort',
        run() {
          plain.set(unsorted);
          plain.sort();
          check(plain);
        },
      },
      {
        name: 'parSort (shared Float64Array)',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          shared.set(unsorted);
          await parSort(shared, undefined, { pool });
          check(shared);
        },
        teardown: () => pool.close(),
      },
      {
        // Copied into shared memory and back on each call.
        name: 'parSort (Float64Array, not shared)',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          plain.set(unsorted);
          await parSort(plain, undefined, { pool });
          check(plain);
        },
        teardown: () => pool.close(),
      },
    ],
  };
});
