/**
 * The worker entry of a pool's threads: they serve scope tasks like any runtime thread, and the
 * pool's calls. A thread runs the calls posted to it one after another, in arrival order, so it
 * never holds the state (herd leases, mapInit states) of two calls at once.
 */
import { serveThread } from '@herd/scope/runtime';
import { CALL_KIND, type Job, type PoolThreadData } from './protocol.js';
import { runJob } from './run-job.js';

void serveThread({
  [CALL_KIND]: (payload, job) =>
    runJob(payload as Job, (job.data as PoolThreadData).slots, () => job.emit('help')),
});
