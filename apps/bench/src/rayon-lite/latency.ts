import { availableParallelism } from 'node:os';
import { par, range, ThreadPool } from '@herd/rayon-lite';
import type { Piscina } from 'piscina';
import { defineScenario } from '../harness.js';
import { fixedPiscina } from '../support/fixed-piscina.js';

const THREADS = availableParallelism();
const ITEMS = 16;
const EXPECTED = ITEMS * (ITEMS - 1);

/** The round trip of a tiny call on a warm pool: one `par` call against one piscina task. */
export default defineScenario(({ quick }) => {
  const calls = quick ? 200 : 1000;
  const check = (sum: number) => {
    if (sum !== EXPECTED) throw new Error(`sum ${sum}, expected ${EXPECTED}`);
  };
  let pool: ThreadPool;
  let onePiecePool: ThreadPool;
  let piscina: Piscina;
  return {
    id: 'rayon-lite/latency',
    title: `A tiny call (${ITEMS} items) on a warm pool of ${THREADS} threads, ${calls} calls one after another`,
    units: calls,
    unit: 'call',
    baseline: 'piscina run()',
    targets: [{ case: 'par', vs: 'piscina run()', ratio: 1 }],
    cases: [
      {
        name: 'piscina run()',
        setup() {
          piscina = fixedPiscina(new URL('./workers/tiny-piscina.js', import.meta.url), THREADS);
        },
        async run() {
          for (let k = 0; k < calls; k++) check(await piscina.run({ n: ITEMS }));
        },
        teardown: () => piscina.destroy(),
      },
      {
        name: 'par',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          for (let k = 0; k < calls; k++) {
            check(
              await par(range(0, ITEMS), { pool })
                .map((i) => i * 2)
                .sum(),
            );
          }
        },
        teardown: () => pool.close(),
      },
      {
        // The same call in one piece of sixteen items instead of sixteen pieces of one.
        name: 'par, one piece',
        setup() {
          onePiecePool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          for (let k = 0; k < calls; k++) {
            check(
              await par(range(0, ITEMS), { pool: onePiecePool })
                .withMinLen(ITEMS)
                .map((i) => i * 2)
                .sum(),
            );
          }
        },
        teardown: () => onePiecePool.close(),
      },
    ],
  };
});
