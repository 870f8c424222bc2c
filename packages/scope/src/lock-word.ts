import { LOCK, PARKED, POISONED, POISONED_BY } from './mutex-layout.js';
import { TAG_MASK } from './sync-layout.js';
import { type AsyncWait, park, pause } from './sync-wait.js';

/** Taken. */
export const OK = 0;
/** Held by another holder. */
export const HELD = 1;
/** The deadline passed first. */
export const TIMED_OUT = 2;
/** Free, but poisoned: not taken. */
export const IS_POISONED = 3;
/** An async wait stopped (its signal aborted, or its task ended) first. */
export const STOPPED = 4;
/** Held by this very thread: a blocking wait for it would never end. */
export const OWN = 5;

// Waiting for a holder: it is usually a few instructions from releasing the lock, unless it was
// descheduled, so look again SPIN_TRIES times, SPIN_PAUSE steps apart (some 3-5 us on the 2-core
// machine the channels were tuned on) before parking on the word.
const SPIN_TRIES = 16;
const SPIN_PAUSE = 32;

/**
 * A Mutex's lock word (mutex-layout.ts), as one thread uses it: taking it with one
 * compare-exchange that writes this thread's owner tag, waiting for it (parked on the word, blocking
 * or async), giving it back, and repairing it for a thread that died holding it.
 */
export class LockWord {
  readonly words: Int32Array;
  /** This thread's owner tag. */
  readonly me: number;

  constructor(words: Int32Array, me: number) {
    this.words = words;
    this.me = me;
  }

  /** Whether the lock is poisoned (its last holder died holding it, and nobody cleared that). */
  get poisoned(): boolean {
    return (Atomics.load(this.words, LOCK) & POISONED) !== 0;
  }

  /** The owner tag of the thread that died holding the lock, when poisoned. */
  get poisonedBy(): number {
    return Atomics.load(this.words, POISONED_BY);
  }

  /** Whether this thread holds the lock (through some guard of it). */
  get mine(): boolean {
    return (Atomics.load(this.words, LOCK) & TAG_MASK) === this.me;
  }

  /**
   * One attempt: OK (taken), HELD or IS_POISONED. `parked`: this caller has parked before, so
   * others may still be parked: the lock is taken with PARKED set, and its release notifies.
   */
  attempt(ignorePoison: boolean, parked: boolean): number {
    const words = this.words;
    const mine = parked ? this.me | PARKED : this.me;
    let seen = Atomics.compareExchange(words, LOCK, 0, mine);
    if (seen === 0) return OK;
    for (;;) {
      if ((seen & TAG_MASK) !== 0) return HELD;
      if ((seen & POISONED) !== 0 && !ignorePoison) return IS_POISONED;
      const was = Atomics.compareExchange(words, LOCK, seen, (seen & (POISONED | PARKED)) | mine);
      if (was === seen) return OK;
      seen = was;
    }
  }

  /** `attempt`, then a short spin while another holder holds it. */
  attemptSpinning(ignorePoison: boolean): number {
    let status = this.attempt(ignorePoison, false);
    for (let i = 0; i < SPIN_TRIES && status === HELD; i++) {
      pause(SPIN_PAUSE);
      if ((Atomics.load(this.words, LOCK) & TAG_MASK) === 0) status = this.attempt(ignorePoison, false);
    }
    return status;
  }

  /**
   * Takes the lock, blocking the thread up to `deadline`: OK, TIMED_OUT, IS_POISONED, or OWN when
   * this thread holds it already. Never called on a main thread.
   */
  acquire(deadline: number, ignorePoison: boolean): number {
    let status = this.attempt(ignorePoison, false);
    if (status !== HELD) return status;
    if (this.mine) return OWN;
    status = this.attemptSpinning(ignorePoison);
    if (status !== HELD) return status;
    let parked = false;
    try {
      for (;;) {
        status = this.attempt(ignorePoison, parked);
        if (status !== HELD) return status;
        const armed = this.#arm();
        if (armed === 0) continue;
        if (!park(this.words, LOCK, armed, deadline)) return (status = TIMED_OUT);
        parked = true;
      }
    } finally {
      if (parked && status !== OK) this.#passOn();
    }
  }

  /**
   * Takes the lock without blocking the event loop, up to `deadline` or until `wait` stops.
   * `taken` runs in the same synchronous step as the compare-exchange that took the lock, so that
   * whatever records the holder (a guard, registered with the task) exists before anything else
   * (the end of the task) can run.
   */
  async acquireAsync(
    deadline: number,
    ignorePoison: boolean,
    wait: AsyncWait,
    taken: () => void,
  ): Promise<number> {
    let status = HELD;
    let parked = false;
    try {
      for (;;) {
        if (wait.stopped !== undefined) return (status = STOPPED);
        status = this.attempt(ignorePoison, parked);
        if (status === OK) taken();
        if (status !== HELD) return status;
        const armed = this.#arm();
        if (armed === 0) continue;
        if (!(await wait.park(this.words, LOCK, armed, deadline))) return (status = TIMED_OUT);
        parked = true;
      }
    } finally {
      if (parked && status !== OK) this.#passOn();
    }
  }

  /** Gives the lock back (if this thread holds it), waking one parked thread if any. */
  release(): void {
    const words = this.words;
    let seen = Atomics.compareExchange(words, LOCK, this.me, 0);
    if (seen === this.me) return;
    while ((seen & TAG_MASK) === this.me) {
      const was = Atomics.compareExchange(words, LOCK, seen, seen & POISONED);
      if (was === seen) {
        if ((seen & PARKED) !== 0) Atomics.notify(words, LOCK, 1);
        return;
      }
      seen = was;
    }
  }

  /** Clears the poison; the lock stays as it is (held or free). */
  clearPoison(): void {
    const words = this.words;
    let seen = Atomics.load(words, LOCK);
    while ((seen & POISONED) !== 0) {
      const was = Atomics.compareExchange(words, LOCK, seen, seen & ~POISONED);
      if (was === seen) break;
      seen = was;
    }
    Atomics.store(words, POISONED_BY, 0);
  }

  /**
   * For threads that stopped (they run no more instructions): frees the lock if one of them held
   * it, poisoning it. Then wakes every thread parked on the word: a release a dead thread made may
   * have cleared PARKED without the notify that goes with it, and a wake-up sent to a dead thread
   * parked there died with it. Idempotent.
   */
  repair(tags: readonly number[]): void {
    const words = this.words;
    let seen = Atomics.load(words, LOCK);
    while (seen !== 0 && tags.includes(seen & TAG_MASK)) {
      Atomics.store(words, POISONED_BY, seen & TAG_MASK);
      const was = Atomics.compareExchange(words, LOCK, seen, POISONED);
      if (was === seen) break;
      seen = was;
    }
    Atomics.notify(words, LOCK);
  }

  /** Sets PARKED in a held word; returns the value to park on, or 0 when it came free. */
  #arm(): number {
    const words = this.words;
    let seen = Atomics.load(words, LOCK);
    while ((seen & TAG_MASK) !== 0) {
      if ((seen & PARKED) !== 0) return seen;
      const was = Atomics.compareExchange(words, LOCK, seen, seen | PARKED);
      if (was === seen) return seen | PARKED;
      seen = was;
    }
    return 0;
  }

  /**
   * A parked caller giving up without the lock: the wake-up it may have been sent (a release
   * notifies one parked thread) goes to the next one, which sets PARKED again if it must wait.
   */
  #passOn(): void {
    Atomics.notify(this.words, LOCK, 1);
  }
}
