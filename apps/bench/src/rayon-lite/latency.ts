import { availableParallelism } from 'node:os';
import { par, range, ThreadPool } from '@herd/rayon-lite';
import type { Piscina } from 'piscina';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';
import { fixedPiscina } from '../support/fixed-piscina.js';

const THREADS = availableParallelism();
const ITEMS = 16;
const EXPECTED = ITEMS * (ITEMS - 1);

/**
 * The round trip of a tiny call on a warm pool, one call after another: one `par` call against
 * one piscina task doing the same work. Each case runs alone in its process, and the CPU time
 * of the whole process is measured with the wall time: a pool whose threads spin while they
 * wait for the next job pays for it there. Each run counts the calls that returned the right sum.
 */
export default defineScenario(({ quick }) => {
  const calls = quick ? 200 : 1000;
  let pool: ThreadPool;
  let piscina: Piscina;
  const verify = (right: unknown) => expectEqual(right, calls, 'calls that returned the right sum');
  return {
    id: 'rayon-lite/latency',
    title: `A tiny call (${ITEMS} items) on a warm pool of ${THREADS} threads, one after another`,
    units: calls,
    unit: 'call',
    baseline: 'piscina run()',
    targets: [
      { case: 'par', vs: 'piscina run()', ratio: 1 },
      { case: 'par', vs: 'piscina run()', ratio: 1, metric: 'cpu' },
      { case: 'par', atMostNs: 30_000, kind: 'stretch' },
    ],
    cases: [
      {
        name: 'piscina run()',
        note: 'a task that adds up `i * 2` for 16 items',
        setup() {
          piscina = fixedPiscina(new URL('./workers/tiny-piscina.js', import.meta.url), THREADS);
        },
        async run() {
          let right = 0;
          for (let k = 0; k < calls; k++) if ((await piscina.run({ n: ITEMS })) === EXPECTED) right++;
          return right;
        },
        verify,
        teardown: () => piscina.destroy(),
      },
      {
        name: 'par',
        note: '`par(range(0, 16)).map((i) => i * 2).sum()`',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          let right = 0;
          for (let k = 0; k < calls; k++) {
            const sum = await par(range(0, ITEMS), { pool })
              .map((i) => i * 2)
              .sum();
            if (sum === EXPECTED) right++;
          }
          return right;
        },
        verify,
        teardown: () => pool.close(),
      },
      {
        name: 'par, one piece',
        note: 'the same call in one piece of sixteen items (`withMinLen(16)`)',
        setup() {
          pool = new ThreadPool({ numThreads: THREADS });
        },
        async run() {
          let right = 0;
          for (let k = 0; k < calls; k++) {
            const sum = await par(range(0, ITEMS), { pool })
              .withMinLen(ITEMS)
              .map((i) => i * 2)
              .sum();
            if (sum === EXPECTED) right++;
          }
          return right;
        },
        verify,
        teardown: () => pool.close(),
      },
    ],
  };
});
