/**
 * The worker entry of the pool. Jobs run one after another in arrival order, so a worker never
 * holds state (herd leases, mapInit states) of two calls at once.
 *
 * Between jobs the worker does not go back to its event loop: it watches a doorbell the pool
 * rings after each post, and takes the job with `receiveMessageOnPort` (piscina does the same),
 * which spares the wake-up of an event loop and the dispatch of a 'message' event. It first
 * spins on the doorbell for SPIN_MS, as rayon's threads do, then sleeps in `Atomics.wait`:
 * waking a sleeping thread (Atomics.notify) cost the caller ~20 us on the 2-core VM measured,
 * more than a tiny call's work, so a call that follows closely finds the worker awake and no
 * notify is made. While idle, nothing asynchronous runs in the worker — callbacks are
 * synchronous, so nothing should be waiting.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { encodeError } from '@herd/scope/runtime';
import type { HelpRequest, Job, JobReply } from './protocol.js';
import { runJob } from './run-job.js';

const port = parentPort;
if (port === null) throw new Error('@herd/rayon-lite: worker.js must be started as a worker thread');

const data = workerData as { slots: SharedArrayBuffer; doorbell: SharedArrayBuffer };
/** The pool's job memories (see memory-slots.ts), shared once when the worker started. */
const slots = data.slots;
/**
 * [0]: how many jobs the pool has posted to this worker; [1]: AWAKE or ASLEEP; [2]: how many jobs
 * this worker has started, or FROZEN while the pool decides whether to terminate it (worker-set.ts).
 */
const doorbell = new Int32Array(data.doorbell);
const POSTED = 0;
const STATE = 1;
const STARTED = 2;
const FROZEN = -1;
const AWAKE = 1;
const ASLEEP = 0;
/** How long an idle worker watches its doorbell before it sleeps. */
const SPIN_MS = 0.1;

let queue: Promise<void> = Promise.resolve();
let inFlight = 0;
let rung = 0;

port.on('message', take);

function take(job: Job): void {
  inFlight++;
  queue = queue.then(async () => {
    startJob();
    send(await runJob(job, slots, askHelp));
    inFlight--;
    if (inFlight === 0) await sleepUntilRung();
  });
}

async function sleepUntilRung(): Promise<void> {
  // Output written by callbacks travels to the main thread asynchronously: let it leave first.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength > 0) await new Promise((resolve) => stream.write('', resolve));
  }
  while (inFlight === 0) {
    waitForRing();
    // Read the count before the messages, so a post that lands in between rings again.
    rung = Atomics.load(doorbell, POSTED);
    for (let entry = receiveMessageOnPort(port!); entry !== undefined; entry = receiveMessageOnPort(port!)) {
      take(entry.message as Job);
    }
  }
}

/**
 * Counts the job as started. While the pool has frozen the count, the worker waits: the pool is
 * deciding whether to terminate it for the job it is in, and the next job must not begin here
 * (its pieces would be lost with the worker) — it will go to the replacement instead.
 */
function startJob(): void {
  for (;;) {
    const started = Atomics.load(doorbell, STARTED);
    if (started === FROZEN) Atomics.wait(doorbell, STARTED, FROZEN);
    else if (Atomics.compareExchange(doorbell, STARTED, started, started + 1) === started) return;
  }
}

function waitForRing(): void {
  Atomics.store(doorbell, STATE, AWAKE);
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(doorbell, POSTED) === rung) {
    if (performance.now() >= until) {
      // Say so before the last look: a post either sees ASLEEP and notifies, or lands before
      // that look and is seen (both sides use sequentially consistent atomics).
      Atomics.store(doorbell, STATE, ASLEEP);
      Atomics.wait(doorbell, POSTED, rung);
      return;
    }
  }
}

function askHelp(id: number): void {
  port!.postMessage({ type: 'help', id } satisfies HelpRequest);
}

function send(reply: JobReply): void {
  try {
    port!.postMessage(reply);
  } catch (error) {
    // A result that structured clone refuses (a function, a symbol): report it instead.
    port!.postMessage({
      ...reply,
      posted: [],
      failures: [...reply.failures, { stage: 'result', index: -1, error: encodeError(error) }],
    } satisfies JobReply);
  }
}
