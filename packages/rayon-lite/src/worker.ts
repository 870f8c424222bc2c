/**
 * The worker entry of the pool. Jobs run one after another in arrival order, so a worker never
 * holds state (herd leases, mapInit states) of two calls at once.
 */
import { parentPort } from 'node:worker_threads';
import { encodeError } from '@herd/scope/runtime';
import type { Job, JobReply } from './protocol.js';
import { runJob } from './run-job.js';

const port = parentPort;
if (port === null) throw new Error('@herd/rayon-lite: worker.js must be started as a worker thread');

let queue: Promise<void> = Promise.resolve();

port.on('message', (job: Job) => {
  queue = queue.then(async () => send(await runJob(job)));
});

function send(reply: JobReply): void {
  try {
    port!.postMessage(reply);
  } catch (error) {
    // A result that structured clone refuses (a function, a symbol): report it instead.
    port!.postMessage({
      ...reply,
      posted: [],
      failures: [
        ...reply.failures,
        { stage: 'result', index: -1, error: encodeError(error) },
      ],
    } satisfies JobReply);
  }
}
