// The main-thread side of one call: post the job, stop it on abort, wait until every worker that
// took part has replied (so no piece is still running), then report the first error or the
// results.
import { type Crossing, decodeError } from '@herd/scope/runtime';
import { show } from '@herd/shared';
import { AbortError, ItemError, JoinError, PoolClosedError, ThreadError } from './errors.js';
import { type JobMemory, stopJob } from './job-memory.js';
import type { MemoryLease } from './memory-slots.js';
import type { FailureWire, Job } from './protocol.js';
import type { Death, Outcome, WorkerSet } from './worker-set.js';

/**
 * Options every terminal takes.
 *
 * @example
 * ```ts
 * await par(range(0, 1e8)).sum({ signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface CallOptions {
  /** Stops the call: workers claim no more pieces and the call rejects with `AbortError`. */
  signal?: AbortSignal;
}

/**
 * How long workers get to notice an abort before the ones still busy with the call are terminated.
 * A running piece looks at the stop flag after every ~0.05 ms of work (worker/worker.ts), so a
 * worker that is not stuck inside one callback stops far sooner, even on a busy machine; one that
 * is stuck is ended after this, and replaced, so the call's promise settles.
 */
const ABORT_GRACE_MS = 500;

/** Checks a terminal's options at once; returns the signal, if any. */
export function signalOf(options: CallOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal, got ${show(signal)}`);
  }
  return signal;
}

/** Rejects at once when the pool is closed or the signal already fired. */
export function checkCanStart(workers: WorkerSet, signal: AbortSignal | undefined): void {
  if (workers.closed) throw new PoolClosedError();
  if (signal?.aborted) throw abortError(signal);
}

/** What a call gets back: the results the workers posted, by piece, beside its shared memory. */
export interface CallResults {
  memory: JobMemory;
  posted: Map<number, unknown>;
}

/**
 * Runs one call: gives `job` its id, leases its shared memory (and says where it is in `job`),
 * posts `job` to `workerCount` of `workers`, waits until its pieces are done, and hands the
 * results to `assemble` — synchronously, since the memory goes back to the pool right after.
 *
 * @returns what `assemble` returns
 * @throws the call's error, once every worker that took part is done with the job
 */
export async function execute<R>(
  workers: WorkerSet,
  job: Job,
  workerCount: number,
  crossings: Crossing[],
  signal: AbortSignal | undefined,
  assemble: (results: CallResults) => R,
): Promise<R> {
  checkCanStart(workers, signal);
  job.id = nextJobId();
  const lease = workers.leaseMemory(job.pieces, job.regions);
  job.memory = lease.ref.memory;
  job.slot = lease.ref.slot;
  // The memory is free again once it is assembled and every worker has answered.
  const hold = new MemoryHold(lease);
  try {
    const outcomes = await run(workers, job, lease.memory.control, workerCount, crossings, signal, hold);
    const posted = collectOutcomes(outcomes, job.type);
    return assemble({ memory: lease.memory, posted });
  } finally {
    hold.letGo();
  }
}

let lastJobId = 0;

/**
 * The id of a new call, unique across pools and call kinds: a pool finds the call a worker's
 * help request or an abort is about by it.
 */
function nextJobId(): number {
  lastJobId = (lastJobId + 1) % Number.MAX_SAFE_INTEGER;
  return lastJobId;
}

/** A call's memory, released when both the call's assembly and its last worker let go of it. */
class MemoryHold {
  #holds = 2;

  constructor(readonly lease: MemoryLease) {}

  letGo(): void {
    if (--this.#holds === 0) this.lease.release();
  }
}

async function run(
  workers: WorkerSet,
  job: Job,
  control: Int32Array,
  workerCount: number,
  crossings: Crossing[],
  signal: AbortSignal | undefined,
  hold: MemoryHold,
): Promise<Outcome[]> {
  let aborted = false;
  let terminator: ReturnType<typeof setTimeout> | undefined;
  const onAbort =
    signal &&
    ((): void => {
      aborted = true;
      stopJob(control);
      // A piece notices the stop between blocks of items; one stuck in a callback is ended by force.
      terminator = setTimeout(() => workers.terminateJob(job.id), ABORT_GRACE_MS);
      (terminator as { unref?: () => void }).unref?.();
    });
  if (onAbort) signal.addEventListener('abort', onAbort, { once: true });
  let outcomes: Outcome[];
  let dispatched = false;
  try {
    const pending = workers.dispatch(job, workerCount, job.pieces, crossings, () => hold.letGo());
    dispatched = true;
    outcomes = await pending;
  } finally {
    if (!dispatched) hold.letGo();
    if (onAbort) signal.removeEventListener('abort', onAbort);
    clearTimeout(terminator);
  }
  if (aborted) throw abortError(signal);
  return outcomes;
}

/** The results posted back, by piece; throws the call's error if there is one. */
function collectOutcomes(outcomes: Outcome[], kind: Job['type']): Map<number, unknown> {
  const failures: FailureWire[] = [];
  const deaths: Death[] = [];
  const posted = new Map<number, unknown>();
  for (const outcome of outcomes) {
    if (outcome.type === 'died') {
      deaths.push(outcome);
      continue;
    }
    failures.push(...outcome.failures);
    for (const [piece, value] of outcome.posted) posted.set(piece, value);
  }
  if (deaths.some((death) => death.closed)) throw new PoolClosedError();
  const failure = pickFailure(failures);
  if (failure !== undefined) throw toError(failure, kind);
  const death = deaths[0];
  if (death !== undefined) {
    throw new ThreadError(
      `worker thread ${death.threadId} (pool thread ${death.slot}) exited with code ${death.exitCode} while running the call`,
      { index: death.slot, threadId: death.threadId, exitCode: death.exitCode, cause: death.error },
    );
  }
  return posted;
}

function abortError(signal: AbortSignal | undefined): AbortError {
  return new AbortError('the call was aborted: workers stopped claiming pieces', { cause: signal?.reason });
}

/** A call-wide failure first, then the lowest item index (for join: `a` before `b`). */
function pickFailure(failures: FailureWire[]): FailureWire | undefined {
  let best: FailureWire | undefined;
  for (const failure of failures) {
    if (best === undefined || failure.index < best.index) best = failure;
  }
  return best;
}

function toError(failure: FailureWire, kind: Job['type']): Error {
  const original = decodeError(failure.error);
  if (failure.stage === 'setup') return original;
  if (failure.stage === 'result') {
    return new TypeError(
      `a result could not be sent back from the worker (structured clone refused it): ${original.message}`,
      { cause: original },
    );
  }
  if (kind === 'join') return new JoinError(failure.index === 0 ? 'a' : 'b', original);
  return new ItemError(failure.stage, failure.index, original);
}
