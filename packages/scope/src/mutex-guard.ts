import { herdClass, offTaskEnd, onTaskEnd, show } from '@herd/shared';
import type { LockWord } from './lock-word.js';

/** A Condvar's hold on a guard during a wait; registered symbols, so that bundles agree on them. */
export const BEGIN_WAIT: unique symbol = Symbol.for('@herd/scope/MutexGuard.beginWait') as any;
export const END_WAIT: unique symbol = Symbol.for('@herd/scope/MutexGuard.endWait') as any;

/**
 * Proof that this thread holds a `Mutex`, from `lock()`, `lockAsync()` or `tryLock()`: the lock is
 * held until `unlock()` (or the end of a `using` block). Unlocking twice does nothing. A guard that
 * a thread's task still holds when it ends is unlocked by the thread, as Rust drops it; that is not
 * a death, so it does not poison the mutex.
 *
 * @example
 * ```ts
 * {
 *   using guard = await mutex.lockAsync();
 *   shared[0]++; // nobody else is inside a lock of this mutex meanwhile
 * } // unlocked here
 * ```
 */
export class MutexGuard {
  readonly #lock: LockWord;
  #held = true;
  /** In a Condvar wait: the lock was let go for it, and is taken back before the wait returns. */
  #waiting = false;

  /** @internal Guards are made by a `Mutex` once it took the lock. */
  constructor(lock: LockWord) {
    this.#lock = lock;
    onTaskEnd(this, () => this.#taskEnded());
  }

  /**
   * Whether the lock is held through this guard: false once unlocked, and after a `Condvar` wait
   * that could not take the lock back (`PoisonError`).
   *
   * @example
   * ```ts
   * const guard = mutex.lock();
   * guard.unlock();
   * guard.held; // false
   * ```
   */
  get held(): boolean {
    return this.#held && !this.#waiting;
  }

  /**
   * Gives the lock back; does nothing if this guard no longer holds it.
   *
   * @throws TypeError while the guard is in a pending `Condvar` wait (the wait holds it then)
   * @example
   * ```ts
   * const guard = await mutex.lockAsync();
   * try { shared[0] += 1; } finally { guard.unlock(); }
   * ```
   */
  unlock(): void {
    if (this.#waiting) {
      throw new TypeError(
        'unlock: this guard is in a Condvar wait, which gave the lock up and takes it back before it returns',
      );
    }
    if (!this.#held) return;
    this.#held = false;
    offTaskEnd(this);
    this.#lock.release();
  }

  /**
   * Unlocks, for `using guard = await mutex.lockAsync()` (on the main side: a function shipped to
   * a thread cannot use `using` on Node 20, see the README).
   *
   * @example
   * ```ts
   * { using guard = await mutex.lockAsync(); shared[0] += 1; }
   * ```
   */
  [Symbol.dispose](): void {
    this.unlock();
  }

  /**
   * @internal A Condvar wait begins: lets the lock go (the guard stays this task's). Returns the
   * lock word, to take it back with.
   * @throws TypeError when the guard does not hold its lock
   */
  [BEGIN_WAIT](method: string): LockWord {
    if (!this.#held || this.#waiting) {
      throw new TypeError(
        `${method}: guard must hold its lock (${this.#waiting ? 'it is in another wait' : 'it was unlocked'})`,
      );
    }
    this.#waiting = true;
    this.#lock.release();
    return this.#lock;
  }

  /** @internal A Condvar wait ended: `held` says whether it took the lock back. */
  [END_WAIT](held: boolean): void {
    this.#waiting = false;
    if (held) return;
    this.#held = false;
    offTaskEnd(this);
  }

  #taskEnded(): void {
    if (this.#waiting) {
      // The wait's own end at the task's end takes nothing back: the lock is not held.
      this.#waiting = false;
      this.#held = false;
      return;
    }
    this.unlock();
  }
}

herdClass(MutexGuard, 'MutexGuard');

/**
 * `value` as a guard that holds its lock, checked by brand (it may come from another bundle).
 *
 * @throws TypeError when it is not a MutexGuard, or does not hold its lock now
 */
export function checkGuard(value: unknown, method: string): MutexGuard {
  if (!(value instanceof MutexGuard)) {
    throw new TypeError(`${method}: guard must be a MutexGuard (from mutex.lock()), got ${show(value)}`);
  }
  if (!value.held)
    throw new TypeError(`${method}: guard must hold its lock (it was unlocked, or is in another wait)`);
  return value;
}
