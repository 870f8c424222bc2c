/**
 * The main-thread side of one call: post the job, stop it on abort, wait until every worker that
 * took part has replied (so no piece is still running), then report the first error or the
 * results.
 */
import { type Crossing, decodeError } from '@herd/scope/runtime';
import { describeValue } from './describe-value.js';
import { AbortError, ItemError, JoinError, PoolClosedError, ThreadError } from './errors.js';
import { stopJob } from './job-memory.js';
import type { FailureWire, Job } from './protocol.js';
import type { ThreadPool } from './thread-pool.js';
import { workersOf } from './thread-pool.js';
import type { Death } from './worker-set.js';

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

/** Checks a terminal's options at once; returns the signal, if any. */
export function signalOf(options: CallOptions | undefined, where: string): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return signal;
}

/** Rejects at once when the pool is closed or the signal already fired. */
export function checkCanStart(pool: ThreadPool, signal: AbortSignal | undefined): void {
  if (workersOf(pool).closed) throw new PoolClosedError();
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Runs `job`, split into `pieces`, on `workerCount` workers of `pool`.
 *
 * @returns the results posted back, by piece
 * @throws the call's error, once every worker that took part is done with the job
 */
export async function execute(
  pool: ThreadPool,
  job: Job,
  workerCount: number,
  pieces: number,
  crossings: Crossing[],
  signal: AbortSignal | undefined,
): Promise<Map<number, unknown>> {
  checkCanStart(pool, signal);
  const control = new Int32Array(job.memory, 0, 2);
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    stopJob(control);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let outcomes: Awaited<ReturnType<ReturnType<typeof workersOf>['dispatch']>>;
  try {
    outcomes = await workersOf(pool).dispatch(job, workerCount, pieces, crossings);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  if (aborted) throw abortError(signal);
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
  if (failure !== undefined) throw toError(failure, job.type);
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
