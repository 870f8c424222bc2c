import { par, range, ThreadPool } from '@herd/rayon-lite';
import { defineScenario } from '../harness.js';

const THREADS = 2;
const END = 1_000_000_000;
const HALF = END / 2;

/**
 * `findAny` over `range(0, 1e9)` where only the upper half matches, on 2 threads: split as rayon
 * splits, the second thread starts at the middle and finds a match at once, instead of the
 * lower half being walked first. Against a loop that scans from 0 on one thread. Each run's
 * answer is checked: a matching item.
 */
export default defineScenario(({ quick }) => {
  let pool: ThreadPool;
  const verify = (found: unknown) => {
    if (typeof found !== 'number' || found < HALF || found >= END || !Number.isInteger(found)) {
      throw new Error(`found ${String(found)}, which is not in the upper half`);
    }
  };
  return {
    id: 'rayon-lite/find-any',
    title: `findAny over range(0, 1e9), matches only in the upper half, ${THREADS} threads`,
    units: 1,
    unit: 'search',
    baseline: 'for loop from 0',
    targets: [{ case: 'par findAny', atMostNs: 50e6 }],
    cases: [
      {
        name: 'for loop from 0',
        note: 'one thread, the same predicate, first match',
        // Quick runs only check that it works: a quarter of the range below the matches.
        run() {
          const match = (i: number) => i >= HALF;
          for (let i = quick ? HALF - END / 8 : 0; i < END; i++) if (match(i)) return i;
          return undefined;
        },
        verify,
      },
      {
        name: 'par findAny',
        note: '`par(range(0, 1e9)).findAny((i) => i >= 5e8)` on a warm pool of 2',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        run: () => par(range(0, END), { pool }).findAny((i) => i >= 500_000_000),
        verify,
        teardown: () => pool.close(),
      },
    ],
  };
});
