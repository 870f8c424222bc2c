/**
 * A callback threw while the pipeline processed one item. The call rejects with this error after
 * the other pieces have stopped; `cause` holds the original error, decoded with its class kept.
 *
 * @example
 * ```ts
 * try {
 *   await par(range(0, 100)).map((i) => { if (i === 42) throw new RangeError('no'); return i; }).collect();
 * } catch (error) {
 *   if (error instanceof ItemError) console.log(error.index, error.stage, error.cause); // 42 'map' RangeError
 * }
 * ```
 */
export class ItemError extends Error {
  override readonly name = 'ItemError';
  /** Position of the item in the source (0-based), whatever adapters came before the callback. */
  readonly index: number;
  /** Which callback threw: `'map'`, `'filter'`, `'mapInit init'`, `'reduce'`, … */
  readonly stage: string;

  constructor(stage: string, index: number, cause: unknown) {
    super(`${stage} callback threw on item ${index}: ${describe(cause)}`, { cause });
    this.index = index;
    this.stage = stage;
  }
}

/**
 * One side of `join(a, b)` threw. Both sides always run to the end; when both throw, `a`'s error
 * is the one reported.
 *
 * @example
 * ```ts
 * await join(() => 1, () => { throw new Error('b failed'); }).catch((e: JoinError) => e.side); // 'b'
 * ```
 */
export class JoinError extends Error {
  override readonly name = 'JoinError';
  /** `'a'` or `'b'`: the function that threw. */
  readonly side: 'a' | 'b';

  constructor(side: 'a' | 'b', cause: unknown) {
    super(`join: function ${side} threw: ${describe(cause)}`, { cause });
    this.side = side;
  }
}

/**
 * A worker thread died (exited or crashed outside a callback) while it ran part of a call. The
 * pool replaces it; the call rejects with this error.
 *
 * @example
 * ```ts
 * await par(range(0, 2)).forEach(() => process.exit(3)).catch((e: ThreadError) => e.exitCode); // 3
 * ```
 */
export class ThreadError extends Error {
  override readonly name = 'ThreadError';
  /** The worker's `threadId`. */
  readonly threadId: number;
  /** The worker's exit code. */
  readonly exitCode: number;

  constructor(threadId: number, exitCode: number, cause?: unknown) {
    super(
      `worker thread ${threadId} exited with code ${exitCode}` +
        (cause === undefined ? '' : `: ${describe(cause)}`),
      cause === undefined ? undefined : { cause },
    );
    this.threadId = threadId;
    this.exitCode = exitCode;
  }
}

/**
 * The call's `AbortSignal` fired: the workers stopped claiming pieces and the call rejected.
 * `cause` holds the signal's `reason`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const pending = par(range(0, 1e9)).forEach(() => {}, { signal: controller.signal });
 * controller.abort();
 * await pending.catch((e) => e.name); // 'AbortError'
 * ```
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';

  constructor(reason?: unknown) {
    super('the operation was aborted', reason === undefined ? undefined : { cause: reason });
  }
}

/**
 * The pool was closed: it takes no more calls, and calls still running when `close()` was called
 * reject with this error.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ numThreads: 2 });
 * await pool.close();
 * await pool.par([1]).sum().catch((e) => e.name); // 'PoolClosedError'
 * ```
 */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';

  constructor() {
    super('the thread pool is closed');
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
