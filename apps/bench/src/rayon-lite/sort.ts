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
  /** The XOR of every 32-bit word: the same whatever the order, so a sort must keep it. */
  const wordsXor = (array: Float64Array) => {
    const words = new Uint32Array(array.buffer, array.byteOffset, array.length * 2);
    let x = 0;
    for (let i = 0; i < words.length; i++) x ^= words[i]!;
    return x;
  };
  const expectedXor = wordsXor(unsorted);
  /** Every run's result, checked whole (not timed): in order, and the same numbers. */
  const check = (result: unknown) => {
    const array = result as Float64Array;
    for (let i = 1; i < n; i++) {
      if (!(array[i - 1]! <= array[i]!))
        throw new Error(`not sorted at ${i}: ${array[i - 1]} then ${array[i]}`);
    }
    if (wordsXor(array) !== expectedXor) throw new Error('the sorted numbers are not the numbers given');
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
          return plain.sort();
        },
        verify: check,
      },
      {
        name: 'parSort (shared Float64Array)',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          shared.set(unsorted);
          await parSort(shared, undefined, { pool });
          return shared;
        },
        verify: check,
        teardown: () => pool.close(),
      },
      {
        name: 'parSort (Float64Array, not shared)',
        note: 'copied into shared memory and back on each call',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          plain.set(unsorted);
          await parSort(plain, undefined, { pool });
          return plain;
        },
        verify: check,
        teardown: () => pool.close(),
      },
    ],
  };
});
