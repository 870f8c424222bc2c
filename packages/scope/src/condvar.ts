import { currentThreadId, herdClass, isMainThread } from '@herd/shared';
import { checkTimeout } from './channel-checks.js';
import { CondvarCells } from './condvar-cells.js';
import { CONDVAR_WORDS, STATE } from './condvar-layout.js';
import { crossingModule } from './crossing-module-node.js';
import { PoisonError } from './errors.js';
import { IS_POISONED, type LockWord, OK, OWN } from './lock-word.js';
import { mainThreadWait } from './main-thread.js';
import { BEGIN_WAIT, checkGuard, END_WAIT, type MutexGuard } from './mutex-guard.js';
import { LOCK } from './mutex-layout.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';
import { abortedWait, checkWaitOptions, endedWait, type WaitAsyncOptions } from './sync-checks.js';
import {
  openShared,
  primitiveWords,
  recordLineage,
  type SharedSync,
  sharedCrossing,
} from './sync-crossing.js';
import { CONDVAR_KIND, syncTag } from './sync-layout.js';
import { Lineage } from './sync-lineage.js';
import { AsyncWait, park } from './sync-wait.js';

/**
 * How a timed condvar wait ended (Rust's `WaitTimeoutResult`).
 *
 * @example
 * ```ts
 * const { timedOut } = cv.waitTimeout(guard, 100);
 * ```
 */
export interface WaitTimeoutResult {
  /** True when the time ran out before a notify came. */
  readonly timedOut: boolean;
}

const NOTIFIED: WaitTimeoutResult = Object.freeze({ timedOut: false });
const TIMED_OUT: WaitTimeoutResult = Object.freeze({ timedOut: true });

/**
 * A condition variable in shared memory, as Rust's `Condvar` in an `Arc`: threads wait on it,
 * holding a `Mutex`, until another thread notifies them. Passing it to `s.spawn` (or a pool
 * call's `with(ctx)`) shares it.
 *
 * A wait lets the mutex go, sleeps until notified, and takes the mutex back before it returns. A
 * notify wakes waiters that are waiting when it is made (oldest first for `notifyOne`), and is lost
 * if none is; a waiter wakes only when notified. Still wait in a loop on your condition, as in
 * Rust: another thread may take the mutex between the notify and the wake-up.
 *
 * `wait` and `waitTimeout` block and are for worker threads; on a main thread a wait always throws
 * a `TypeError`: use `waitAsync`.
 *
 * @example
 * ```ts
 * const mutex = new Mutex();
 * const ready = new Condvar();
 * const state = new Int32Array(new SharedArrayBuffer(4));
 * await scope((s) => {
 *   s.spawn((mutex, ready, state) => {
 *     const guard = mutex.lock();
 *     while (state[0] === 0) ready.wait(guard);
 *     guard.unlock();
 *   }, mutex, ready, state);
 *   s.spawn((mutex, ready, state) => {
 *     const guard = mutex.lock();
 *     state[0] = 1;
 *     ready.notifyAll();
 *     guard.unlock();
 *   }, mutex, ready, state);
 * });
 * ```
 */
export class Condvar {
  readonly #cells: CondvarCells;
  readonly #lineage: Lineage;
  readonly #onMain: boolean;

  /**
   * A new condition variable, with nobody waiting.
   *
   * @example
   * ```ts
   * const cv = new Condvar();
   * ```
   */
  constructor() {
    const words = primitiveWords(CONDVAR_KIND, CONDVAR_WORDS);
    this.#cells = new CondvarCells(words, syncTag(currentThreadId()));
    this.#lineage = new Lineage(words);
    this.#onMain = isMainThread();
  }

  /**
   * Revives a condvar in a thread (the crossing protocol's `revive`): the same condvar as the one
   * sent.
   *
   * @example
   * ```ts
   * const revived = Condvar.fromShared(cv[CROSSING]().data as SharedSync); // in a thread, from what crossed
   * ```
   */
  static fromShared(data: SharedSync): Condvar {
    openShared(data, CONDVAR_KIND, 'Condvar', CONDVAR_WORDS);
    const condvar = new Condvar();
    recordLineage(condvar.#lineage, data);
    return condvar;
  }

  /**
   * Lets `guard`'s mutex go, blocks until notified, then takes the mutex back. For worker
   * threads: on a main thread it throws a `TypeError` (use `waitAsync`).
   *
   * @param guard - a guard holding its mutex
   * @throws PoisonError when the mutex was poisoned meanwhile (it is not taken back: `guard.held`
   *   is false)
   * @throws TypeError when `guard` does not hold its mutex; on a main thread
   * @example
   * ```ts
   * const guard = mutex.lock();
   * while (shared[0] === 0) cv.wait(guard); // until an item is queued
   * guard.unlock();
   * ```
   */
  wait(guard: MutexGuard): void {
    checkGuard(guard, 'wait');
    if (this.#onMain) {
      throw mainThreadWait(
        'wait',
        'a condvar wait always waits for a notify',
        'await condvar.waitAsync(guard)',
      );
    }
    this.#waitSync(guard, 'wait', Number.POSITIVE_INFINITY);
  }

  /**
   * `wait`, for at most `ms` milliseconds (Rust's `wait_timeout`); the mutex is held again when
   * it returns either way. On a main thread only `waitTimeout(guard, 0)` may be called (it times
   * out at once, keeping the mutex); a longer wait throws a `TypeError`: use
   * `waitAsync(guard, { timeout: ms })`.
   *
   * @param guard - a guard holding its mutex
   * @param ms - how long to wait, >= 0
   * @returns `{ timedOut }`: true when no notify came in time
   * @throws PoisonError, TypeError as `wait`
   * @example
   * ```ts
   * const guard = mutex.lock();
   * while (shared[0] === 0) if (cv.waitTimeout(guard, 100).timedOut) break;
   * guard.unlock();
   * ```
   */
  waitTimeout(guard: MutexGuard, ms: number): WaitTimeoutResult {
    checkGuard(guard, 'waitTimeout');
    checkTimeout(ms);
    if (this.#onMain) {
      if (ms === 0) return TIMED_OUT;
      throw mainThreadWait(
        'waitTimeout',
        'a condvar wait always waits for a notify',
        'await condvar.waitAsync(guard, { timeout: ms })',
      );
    }
    return this.#waitSync(guard, 'waitTimeout', performance.now() + ms);
  }

  /**
   * Lets `guard`'s mutex go, awaits a notify without blocking the event loop, then takes the
   * mutex back (awaiting it too); the process stays alive meanwhile. Anywhere, main thread
   * included. Whichever way it settles, except `PoisonError`, the mutex is held again by then.
   *
   * @param guard - a guard holding its mutex
   * @param options - `timeout` (ms): resolve with `{ timedOut: true }` then; `signal`: stop waiting
   *   (reject with `AbortError` once the mutex is taken back). A notify that came first wins.
   * @returns `{ timedOut }`
   * @throws PoisonError, AbortError, TypeError (as rejections)
   * @example
   * ```ts
   * const guard = await mutex.lockAsync();
   * while (shared[0] === 0) await cv.waitAsync(guard); // until an item is queued
   * guard.unlock();
   * ```
   */
  async waitAsync(guard: MutexGuard, options?: WaitAsyncOptions): Promise<WaitTimeoutResult> {
    checkGuard(guard, 'waitAsync');
    const { deadline, signal } = checkWaitOptions(options, true, 'waitAsync');
    if (signal?.aborted) throw abortedWait('waitAsync', signal);
    const cells = this.#cells;
    const words = cells.words;
    const at = cells.claim('waitAsync');
    let lock: LockWord;
    try {
      lock = guard[BEGIN_WAIT]('waitAsync');
    } catch (error) {
      cells.leave(at);
      throw error;
    }
    let woken = false;
    // At the task's end the cell is given back at once (the thread reports the task over next).
    const wait = new AsyncWait(
      signal,
      () => Atomics.notify(words, at + STATE),
      () => {
        if (!cells.leave(at)) cells.notifyOne();
      },
    );
    try {
      for (;;) {
        const state = Atomics.load(words, at + STATE);
        if (cells.woken(at)) {
          woken = true;
          break;
        }
        if (wait.stopped !== undefined || !(await wait.park(words, at + STATE, state, deadline))) break;
      }
    } finally {
      wait.finish();
    }
    if (wait.ended) {
      guard[END_WAIT](false);
      throw endedWait('waitAsync');
    }
    woken = !cells.leave(at) || woken;
    await this.#relockAsync(guard, lock);
    if (woken) return NOTIFIED;
    if (wait.stopped === 'aborted') throw abortedWait('waitAsync', signal);
    return TIMED_OUT;
  }

  /**
   * Wakes the waiter that has waited the longest, if any waits; a notify with nobody waiting is
   * lost. Needs no lock (holding the mutex while changing the condition and notifying is the
   * usual pattern).
   *
   * @example
   * ```ts
   * const guard = await mutex.lockAsync();
   * shared[0] += 1; // one more item queued
   * cv.notifyOne();
   * guard.unlock();
   * ```
   */
  notifyOne(): void {
    this.#cells.notifyOne();
  }

  /**
   * Wakes every waiter waiting now.
   *
   * @example
   * ```ts
   * const guard = await mutex.lockAsync();
   * shared[0] = 1; // done
   * cv.notifyAll();
   * guard.unlock();
   * ```
   */
  notifyAll(): void {
    this.#cells.notifyAll();
  }

  /**
   * The crossing protocol (docs/internals.md): shares this condvar with a thread. Once a thread
   * that received it died (and the threads it started), its waiter cells are freed, and a notify
   * it was sent and never used goes to another waiter.
   */
  [CROSSING](): Crossing {
    const cells = this.#cells;
    return sharedCrossing(
      {
        buffer: cells.words.buffer as SharedArrayBuffer,
        lineage: this.#lineage,
        repair: (tags) => cells.repair(tags),
      },
      crossingModule,
      'Condvar.fromShared',
    );
  }

  /** A blocking wait up to `deadline`: the mutex let go, parked on the cell, then taken back. */
  #waitSync(guard: MutexGuard, method: string, deadline: number): WaitTimeoutResult {
    const cells = this.#cells;
    const words = cells.words;
    const at = cells.claim(method);
    let lock: LockWord;
    try {
      lock = guard[BEGIN_WAIT](method);
    } catch (error) {
      cells.leave(at);
      throw error;
    }
    let woken = false;
    for (;;) {
      const state = Atomics.load(words, at + STATE);
      if (cells.woken(at)) {
        woken = true;
        break;
      }
      if (!park(words, at + STATE, state, deadline)) break;
    }
    woken = !cells.leave(at) || woken;
    const status = lock.acquire(Number.POSITIVE_INFINITY, false);
    if (status === OK) {
      guard[END_WAIT](true);
      return woken ? NOTIFIED : TIMED_OUT;
    }
    guard[END_WAIT](false);
    if (status === OWN) {
      throw new TypeError(
        `${method}: this thread took the mutex while it waited: the wait can never take it back`,
      );
    }
    throw poisonedWait(method, lock);
  }

  /** Takes the mutex back after an async wait; the guard holds it again (or is released). */
  async #relockAsync(guard: MutexGuard, lock: LockWord): Promise<void> {
    let status = lock.attempt(false, false);
    if (status === OK) {
      guard[END_WAIT](true);
      return;
    }
    if (status !== IS_POISONED) {
      const wait = new AsyncWait(undefined, () => Atomics.notify(lock.words, LOCK));
      try {
        status = await lock.acquireAsync(Number.POSITIVE_INFINITY, false, wait, () => guard[END_WAIT](true));
      } finally {
        wait.finish();
      }
      if (status === OK) return;
      if (status !== IS_POISONED) {
        guard[END_WAIT](false);
        throw endedWait('waitAsync');
      }
    }
    guard[END_WAIT](false);
    throw poisonedWait('waitAsync', lock);
  }
}

herdClass(Condvar, 'Condvar');

function poisonedWait(method: string, lock: LockWord): PoisonError {
  const threadId = lock.poisonedBy - 1;
  return new PoisonError(
    `${method}: the mutex was poisoned while this thread waited (thread ${threadId} died holding it), ` +
      'so the wait did not take it back; take it with lock({ ignorePoison: true }), check what it guards, then clearPoison()',
    { threadId },
  );
}
