import { currentThreadId, herdClass, isMainThread, show } from '@herd/shared';
import { crossingModule } from './crossing-module-node.js';
import { PoisonError, TimeoutError } from './errors.js';
import { HELD, LockWord, OK, OWN, STOPPED, TIMED_OUT } from './lock-word.js';
import { mainThreadWait } from './main-thread.js';
import { MutexGuard } from './mutex-guard.js';
import { LOCK, MUTEX_WORDS } from './mutex-layout.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';
import {
  abortedWait,
  checkWaitOptions,
  endedWait,
  type WaitAsyncOptions,
  type WaitOptions,
} from './sync-checks.js';
import {
  openShared,
  primitiveWords,
  recordLineage,
  type SharedSync,
  sharedCrossing,
} from './sync-crossing.js';
import { MUTEX_KIND, syncTag } from './sync-layout.js';
import { Lineage } from './sync-lineage.js';
import { AsyncWait } from './sync-wait.js';

/**
 * Options of `mutex.lock()` and `mutex.tryLock()`.
 *
 * @example
 * ```ts
 * const guard = mutex.lock({ timeout: 100, ignorePoison: true });
 * ```
 */
export interface LockOptions extends WaitOptions {
  /**
   * Take the lock even if it is poisoned (Rust's `PoisonError::into_inner`): to check or repair
   * what it guards, then `clearPoison()`. The poison stays until then. @defaultValue false
   */
  ignorePoison?: boolean;
}

/**
 * Options of `mutex.lockAsync()`.
 *
 * @example
 * ```ts
 * const guard = await mutex.lockAsync({ signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface LockAsyncOptions extends WaitAsyncOptions {
  /** As `LockOptions.ignorePoison`. @defaultValue false */
  ignorePoison?: boolean;
}

/**
 * A mutual-exclusion lock in shared memory, as Rust's `Mutex` inside an `Arc`: passing it to
 * `s.spawn` (or a pool call's `with(ctx)`) shares it, every thread it reaches locks the same lock,
 * and the parent's copy stays usable. It guards whatever the threads agree it guards (a
 * SharedArrayBuffer, a herd's records): code between `lock()` and `unlock()` runs in one thread at
 * a time.
 *
 * `lock()` blocks and is for worker threads; on a main thread it takes a free lock and throws a
 * `TypeError` (use `lockAsync`) where it would have to wait. Not reentrant: a thread that locks a
 * mutex it holds gets a `TypeError` rather than a deadlock.
 *
 * A thread that dies holding the lock (terminated, crashed, exited) poisons it, as a panic does in
 * Rust: the lock is freed, and every later lock throws `PoisonError` until someone takes it with
 * `{ ignorePoison: true }` and calls `clearPoison()`.
 *
 * @example
 * ```ts
 * const mutex = new Mutex();
 * const counter = new Int32Array(new SharedArrayBuffer(4));
 * await scope((s) => {
 *   for (let t = 0; t < 4; t++) {
 *     s.spawn((mutex, counter) => {
 *       for (let i = 0; i < 1000; i++) {
 *         const guard = mutex.lock(); // in a thread: try/finally, not `using` (see the README)
 *         try {
 *           counter[0] = counter[0] + 1; // a plain read-modify-write: the lock makes it safe
 *         } finally {
 *           guard.unlock();
 *         }
 *       }
 *     }, mutex, counter);
 *   }
 * });
 * counter[0]; // 4000
 * ```
 */
export class Mutex {
  readonly #buffer: SharedArrayBuffer;
  readonly #lock: LockWord;
  readonly #lineage: Lineage;
  readonly #onMain: boolean;

  /**
   * A new, unlocked mutex.
   *
   * @example
   * ```ts
   * const mutex = new Mutex();
   * ```
   */
  constructor() {
    const words = primitiveWords(MUTEX_KIND, MUTEX_WORDS);
    this.#buffer = words.buffer as SharedArrayBuffer;
    this.#lock = new LockWord(words, syncTag(currentThreadId()));
    this.#lineage = new Lineage(words);
    this.#onMain = isMainThread();
  }

  /**
   * Revives a mutex in a thread (the crossing protocol's `revive`): the same lock as the one sent.
   *
   * @example
   * ```ts
   * const revived = Mutex.fromShared(mutex[CROSSING]().data as SharedSync); // in a thread, from what crossed
   * ```
   */
  static fromShared(data: SharedSync): Mutex {
    openShared(data, MUTEX_KIND, 'Mutex', MUTEX_WORDS);
    const mutex = new Mutex();
    recordLineage(mutex.#lineage, data);
    return mutex;
  }

  /**
   * Whether a thread died holding the lock and nobody cleared that since (Rust's `is_poisoned`).
   *
   * @example
   * ```ts
   * if (mutex.isPoisoned) console.log('a thread died in the middle of an update');
   * ```
   */
  get isPoisoned(): boolean {
    return this.#lock.poisoned;
  }

  /**
   * Clears the poison (Rust's `clear_poison`): locks work again. Do it once what the lock guards
   * was checked or repaired, ideally while holding the lock (`lock({ ignorePoison: true })`), so
   * that nobody sees it half-repaired.
   *
   * @example
   * ```ts
   * using guard = await mutex.lockAsync({ ignorePoison: true });
   * shared[0] = 0; // repair what the dead holder left half done
   * mutex.clearPoison();
   * ```
   */
  clearPoison(): void {
    this.#lock.clearPoison();
  }

  /**
   * Takes the lock, blocking the thread while another holds it. For worker threads: on a main
   * thread it takes a free lock, and throws a `TypeError` (use `lockAsync`) where it would wait.
   *
   * @param options - `timeout` (ms): give up then with `TimeoutError`; `ignorePoison`
   * @returns the guard: `unlock()` it, or hold it with `using`
   * @throws PoisonError when a thread died holding the lock (the lock is not taken)
   * @throws TimeoutError when the lock was still held after `timeout` ms
   * @throws TypeError on a main thread when it would wait; when this thread holds the lock already
   * @example
   * ```ts
   * s.spawn((mutex, shared) => {
   *   const guard = mutex.lock();
   *   try { shared[0] += 1; } finally { guard.unlock(); }
   * }, mutex, shared);
   * ```
   */
  lock(options?: LockOptions): MutexGuard {
    const { deadline, timeout } = checkWaitOptions(options, false, 'lock');
    const ignorePoison = checkIgnorePoison(options);
    const lock = this.#lock;
    let status: number;
    if (this.#onMain) {
      status = lock.attemptSpinning(ignorePoison);
      if (status === HELD && deadline > performance.now()) {
        const instead =
          timeout === undefined ? 'await mutex.lockAsync()' : 'await mutex.lockAsync({ timeout: ms })';
        throw mainThreadWait('lock', 'the mutex is held', instead);
      }
      if (status === HELD) status = TIMED_OUT;
    } else {
      status = lock.acquire(deadline, ignorePoison);
    }
    if (status === OK) return new MutexGuard(lock);
    if (status === TIMED_OUT) throw new TimeoutError(`lock: the mutex was still held after ${timeout} ms`);
    if (status === OWN) {
      throw new TypeError(
        'lock: this thread holds the mutex already, and a Mutex is not reentrant: the wait would never end',
      );
    }
    throw this.#poisoned('lock');
  }

  /**
   * Takes the lock without blocking the event loop; the process stays alive while it waits.
   * Anywhere, main thread included.
   *
   * @param options - `timeout` (ms), `signal` (stops waiting: the lock is not taken after that),
   *   `ignorePoison`
   * @returns the guard
   * @throws PoisonError, TimeoutError, AbortError (as rejections)
   * @example
   * ```ts
   * const guard = await mutex.lockAsync({ timeout: 1000 });
   * try { shared[0] += 1; } finally { guard.unlock(); }
   * ```
   */
  async lockAsync(options?: LockAsyncOptions): Promise<MutexGuard> {
    const { deadline, timeout, signal } = checkWaitOptions(options, true, 'lockAsync');
    const ignorePoison = checkIgnorePoison(options);
    if (signal?.aborted) throw abortedWait('lockAsync', signal);
    const lock = this.#lock;
    let status = lock.attempt(ignorePoison, false);
    let guard: MutexGuard | undefined;
    if (status === OK) return new MutexGuard(lock);
    if (status === HELD) {
      const wait = new AsyncWait(signal, () => Atomics.notify(lock.words, LOCK));
      try {
        status = await lock.acquireAsync(deadline, ignorePoison, wait, () => {
          guard = new MutexGuard(lock);
        });
      } finally {
        wait.finish();
      }
      if (guard !== undefined) return guard;
      if (status === TIMED_OUT) {
        throw new TimeoutError(`lockAsync: the mutex was still held after ${timeout} ms`);
      }
      if (status === STOPPED) {
        throw wait.ended ? endedWait('lockAsync') : abortedWait('lockAsync', signal);
      }
    }
    throw this.#poisoned('lockAsync');
  }

  /**
   * Takes the lock if it is free now; never waits.
   *
   * @param options - `ignorePoison`
   * @returns the guard, or `undefined` when another holder (or this thread) holds the lock
   * @throws PoisonError when a thread died holding the lock
   * @example
   * ```ts
   * const guard = mutex.tryLock();
   * if (guard) { shared[0] += 1; guard.unlock(); }
   * ```
   */
  tryLock(options?: Pick<LockOptions, 'ignorePoison'>): MutexGuard | undefined {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(`options must be an object, got ${show(options)}`);
    }
    const status = this.#lock.attempt(checkIgnorePoison(options), false);
    if (status === OK) return new MutexGuard(this.#lock);
    if (status === HELD) return undefined;
    throw this.#poisoned('tryLock');
  }

  /**
   * The crossing protocol (docs/internals.md): shares this mutex with a thread. Once the thread
   * is done with it, a thread that died holding the lock (or one of the threads it started) is
   * found by its owner tag in the lock word: the lock is freed and poisoned.
   */
  [CROSSING](): Crossing {
    return sharedCrossing(
      {
        buffer: this.#buffer,
        lineage: this.#lineage,
        repair: (tags) => this.#lock.repair(tags),
      },
      crossingModule,
      'Mutex.fromShared',
    );
  }

  #poisoned(method: string): PoisonError {
    const threadId = this.#lock.poisonedBy - 1;
    return new PoisonError(
      `${method}: the mutex is poisoned: thread ${threadId} died holding it, maybe half-way through ` +
        'an update; take it anyway with lock({ ignorePoison: true }), check what it guards, then clearPoison()',
      { threadId },
    );
  }
}

herdClass(Mutex, 'Mutex');

function checkIgnorePoison(options: unknown): boolean {
  const value = (options as { ignorePoison?: unknown } | undefined)?.ignorePoison;
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new TypeError(`options.ignorePoison must be a boolean, got ${show(value)}`);
  return value;
}
