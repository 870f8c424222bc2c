import { availableParallelism } from 'node:os';
import { par, range, ThreadPool } from '@herd/rayon-lite';
import type { Piscina } from 'piscina';
import { defineScenario } from '../harness.js';
import { expectClose } from '../support/checks.js';
import { fixedPiscina } from '../support/fixed-piscina.js';
import { heavySum } from './workers/heavy-work.js';

const THREADS = availableParallelism();
/** Slices for piscina: a few per thread, as one would split by hand to balance. */
const PISCINA_SLICES = THREADS * 4;

/**
 * A CPU-heavy map + sum: rayon-lite on a warm pool against the same loop on one thread and
 * against piscina with the work split by hand into slices.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 1_000_000 : 4_000_000;
  const expected = heavySum(0, n);
  // Threads add their parts in another order: the sum may differ in its last bits.
  const verify = (sum: unknown) => expectClose(sum as number, expected, 'sum');
  let pool: ThreadPool;
  let piscina: Piscina;
  const slices = Array.from({ length: PISCINA_SLICES }, (_, k) => ({
    from: Math.floor((n * k) / PISCINA_SLICES),
    to: Math.floor((n * (k + 1)) / PISCINA_SLICES),
  }));
  return {
    id: 'rayon-lite/heavy-map-sum',
    title: `CPU-heavy map + sum over ${n.toLocaleString('en')} items, ${THREADS} threads`,
    units: n,
    unit: 'item',
    baseline: 'single thread',
    targets: [
      { case: 'par', vs: 'single thread', ratio: 1.8 },
      { case: 'par', vs: 'piscina (split by hand)', ratio: 1 },
    ],
    cases: [
      { name: 'single thread', run: () => heavySum(0, n), verify },
      {
        name: 'piscina (split by hand)',
        setup() {
          piscina = fixedPiscina(new URL('./workers/heavy-piscina.js', import.meta.url), THREADS);
        },
        async run() {
          const sums: number[] = await Promise.all(slices.map((slice) => piscina.run(slice)));
          return sums.reduce((a, b) => a + b, 0);
        },
        verify,
        teardown: () => piscina.destroy(),
      },
      {
        name: 'par',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        run: () =>
          par(range(0, n), { pool })
            .map((i) => {
              let x = i;
              for (let k = 0; k < 16; k++) x = Math.sqrt(x + k) * 1.5;
              return x;
            })
            .sum(),
        verify,
        teardown: () => pool.close(),
      },
    ],
  };
});
