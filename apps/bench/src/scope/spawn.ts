import { Worker } from 'node:worker_threads';
import { scope } from '@herd/scope';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';

/** Starts a worker that does nothing and resolves with its exit code once it has exited. */
function bareWorker(): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./workers/empty.js', import.meta.url));
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
}

/**
 * Start a thread that does nothing and wait for it to end: `scope` + `spawn` + `join` (which runs
 * on a warm thread, ships the function and posts a result back) against a bare `new Worker` and
 * its exit. Each run counts the threads that ended well.
 */
export default defineScenario(({ quick }) => {
  const workers = quick ? 2 : 8;
  const spawns = quick ? 50 : 400;
  return {
    id: 'scope/spawn',
    title: 'spawn and join an empty thread, one after another',
    units: spawns,
    unit: 'thread',
    baseline: 'new Worker',
    targets: [{ case: 'scope.spawn', vs: 'new Worker', ratio: 30 }],
    cases: [
      {
        name: 'new Worker',
        note: 'a new worker running an empty module, until its `exit` event',
        units: workers,
        async run() {
          let clean = 0;
          for (let i = 0; i < workers; i++) if ((await bareWorker()) === 0) clean++;
          return clean;
        },
        verify: (clean) => expectEqual(clean, workers, 'workers that exited with code 0'),
      },
      {
        name: 'scope.spawn',
        note: '`await scope((s) => s.spawn(() => 7).join())`, one scope a thread',
        async run() {
          let joined = 0;
          for (let i = 0; i < spawns; i++) if ((await scope((s) => s.spawn(() => 7).join())) === 7) joined++;
          return joined;
        },
        verify: (joined) => expectEqual(joined, spawns, 'threads joined with their result'),
      },
    ],
  };
});
