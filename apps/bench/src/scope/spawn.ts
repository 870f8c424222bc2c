import { Worker } from 'node:worker_threads';
import { scope } from '@herd/scope';
import { defineScenario } from '../harness.js';

function bareWorker(): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./workers/empty.js', import.meta.url));
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
}

/**
 * Start a thread that does nothing and wait for it to end: `scope` + `spawn` + `join` (which
 * also ships the function and posts a result back) against a bare `new Worker` and its exit.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 4 : 16;
  return {
    id: 'scope/spawn',
    title: `spawn and join ${n} empty threads, one after another`,
    units: n,
    unit: 'thread',
    baseline: 'new Worker',
    cases: [
      {
        name: 'new Worker',
        run: async () => {
          for (let i = 0; i < n; i++) await bareWorker();
        },
      },
      {
        name: 'scope.spawn',
        run: async () => {
          for (let i = 0; i < n; i++) await scope((s) => s.spawn(() => {}).join());
        },
      },
    ],
  };
});
