import { herdClass } from '@herd/shared';

/**
 * A thread spawned in a scope threw, or its worker exited before returning.
 *
 * `cause` holds the thread's own error, decoded with its class, name, message, stack and own
 * properties. `exitCode` is set when the worker exited without a result (`process.exit(3)`, a crash).
 *
 * @example
 * ```ts
 * try {
 *   await scope((s) => { s.spawn(() => { throw new RangeError('bad'); }); });
 * } catch (e) {
 *   if (e instanceof ThreadError) console.log(e.index, (e.cause as Error).name); // 0 'RangeError'
 * }
 * ```
 */
export class ThreadError extends Error {
  override readonly name = 'ThreadError';

  /** Spawn order of the thread inside its scope (0 for the first `spawn`). */
  readonly index: number;
  /** The worker's `threadId`, or -1 when the worker never started. */
  readonly threadId: number;
  /** The worker's exit code when it exited without a result, else `undefined`. */
  readonly exitCode: number | undefined;

  constructor(
    message: string,
    details: { index: number; threadId: number; exitCode?: number | undefined; cause?: unknown },
  ) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    this.index = details.index;
    this.threadId = details.threadId;
    this.exitCode = details.exitCode;
  }
}

/**
 * A channel operation could not complete because the other side is gone (every receiver closed,
 * or empty with every sender closed), or because this end was closed or moved into a thread.
 *
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(1);
 * rx.close();
 * try { tx.trySend(1); } catch (e) { console.log(e instanceof ChannelClosedError); } // true
 * ```
 */
export class ChannelClosedError extends Error {
  override readonly name = 'ChannelClosedError';
  /**
   * For a batch send (`sendMany`, `sendManyAsync`) that every receiver closed in the middle of:
   * how many of its values were sent before (those will be received; the rest were not sent).
   */
  declare sent?: number;
}

/**
 * A wait ran past its limit: `recvTimeout(ms)`, or a scope's `timeout` option.
 *
 * @example
 * ```ts
 * const [, rx] = syncChannel(1);
 * try { rx.recvTimeout(10); } catch (e) { console.log(e instanceof TimeoutError); } // true
 * ```
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * A scope was cancelled through its `signal`. A class of our own rather than a `DOMException`,
 * so `instanceof` works and `cause` carries the signal's `reason`; its `name` is `'AbortError'`
 * like the platform's, so code that checks `error.name === 'AbortError'` keeps working.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const done = scope((s) => { s.spawn(() => { for (;;); }); }, { signal: controller.signal });
 * controller.abort();
 * await done.catch((e) => console.log(e.name)); // 'AbortError'
 * ```
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';
}

/**
 * A `Mutex` whose holder died holding it: a thread that was terminated, crashed or exited while it
 * held the lock, maybe half-way through changing what the lock guards (Rust's poisoning). Every
 * `lock`, `lockAsync`, `tryLock` (and a `Condvar` wait taking the lock back) throws it, without
 * taking the lock, until someone clears the poison: take the lock anyway with
 * `lock({ ignorePoison: true })` (Rust's `into_inner`), repair what it guards, then
 * `mutex.clearPoison()`.
 *
 * @example
 * ```ts
 * let guard: MutexGuard;
 * try {
 *   guard = mutex.lock();
 * } catch (e) {
 *   if (!(e instanceof PoisonError)) throw e;
 *   guard = mutex.lock({ ignorePoison: true });
 *   mutex.clearPoison(); // after checking (or repairing) what the lock guards
 * }
 * guard.unlock();
 * ```
 */
export class PoisonError extends Error {
  override readonly name = 'PoisonError';
  /** The id of the thread that died holding the lock (-1 when not known). */
  declare threadId: number;

  constructor(message?: string, options?: { threadId?: number; cause?: unknown }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    // An own property, so it crosses back from a thread with the error.
    this.threadId = options?.threadId ?? -1;
  }
}

/**
 * A `Barrier` that can no longer complete a round: a thread it had crossed into died (was
 * terminated, crashed or exited), so a party will never arrive (Java's `BrokenBarrierException`).
 * Every wait pending on it then, and every later one, throws it. A round that completed before
 * the death still completes for all its parties.
 *
 * @example
 * ```ts
 * try { barrier.wait(); } catch (e) { if (e instanceof BrokenBarrierError) console.log(e.threadId); }
 * ```
 */
export class BrokenBarrierError extends Error {
  override readonly name = 'BrokenBarrierError';
  /** The id of the thread whose death broke the barrier (-1 when not known). */
  declare threadId: number;

  constructor(message?: string, options?: { threadId?: number; cause?: unknown }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.threadId = options?.threadId ?? -1;
  }
}

/**
 * A `WaitGroup` that may never reach zero: a thread it had crossed into died (was terminated,
 * crashed or exited) while the group still counted unfinished work, which that thread may have
 * owed a `done()` for. Waits throw it until the count reaches zero anyway (the dead thread had
 * done its share), which mends the group.
 *
 * @example
 * ```ts
 * try { await wg.waitAsync(); } catch (e) { if (e instanceof BrokenWaitGroupError) console.log(e.threadId); }
 * ```
 */
export class BrokenWaitGroupError extends Error {
  override readonly name = 'BrokenWaitGroupError';
  /** The id of the thread whose death broke the group (-1 when not known). */
  declare threadId: number;

  constructor(message?: string, options?: { threadId?: number; cause?: unknown }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.threadId = options?.threadId ?? -1;
  }
}

herdClass(ThreadError, 'ThreadError');
herdClass(ChannelClosedError, 'ChannelClosedError');
herdClass(TimeoutError, 'TimeoutError');
herdClass(AbortError, 'AbortError');
herdClass(PoisonError, 'PoisonError');
herdClass(BrokenBarrierError, 'BrokenBarrierError');
herdClass(BrokenWaitGroupError, 'BrokenWaitGroupError');
