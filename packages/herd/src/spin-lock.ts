import { currentThreadId, isMainThread } from '@herd/shared';
import { H_LOCK, H_LOCK_WAITERS } from './herd-layout.js';

const FREE = 0;
/** Spins before sleeping: the critical sections are a few dozen loads and stores. */
const SPINS = 64;
/**
 * How long a main thread waits for the lock before it gives up. Its holder is a thread in the
 * middle of a few dozen stores, unless it was terminated there: then only `releaseThread` (which
 * the runtime calls from the main thread's event loop once it sees the thread gone) frees it, and
 * a main thread that waited on would wait forever.
 */
export const MAIN_THREAD_PATIENCE_MS = 2_000;

/**
 * Takes the herd's lock word, recording the caller as its holder (thread id + 1). Worker threads
 * sleep on it when it stays taken; a main thread never sleeps (a page forbids `Atomics.wait`)
 * and gives up after MAIN_THREAD_PATIENCE_MS.
 *
 * @returns 0 once taken, or the id of the thread that kept it from a main thread
 */
export function lock(words: Int32Array): number {
  const me = currentThreadId() + 1;
  if (Atomics.compareExchange(words, H_LOCK, FREE, me) === FREE) return 0;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(words, H_LOCK) === FREE && Atomics.compareExchange(words, H_LOCK, FREE, me) === FREE)
      return 0;
  }
  if (isMainThread()) {
    // Spins rather than sleeps: a page's main thread may not call Atomics.wait, and Node's runs the
    // same path. The holder is normally a few dozen stores from done; the deadline is for one that
    // was terminated holding the lock (see MAIN_THREAD_PATIENCE_MS).
    const until = performance.now() + MAIN_THREAD_PATIENCE_MS;
    for (;;) {
      const holder = Atomics.compareExchange(words, H_LOCK, FREE, me);
      if (holder === FREE) return 0;
      if (performance.now() > until) return holder;
    }
  }
  Atomics.add(words, H_LOCK_WAITERS, 1);
  try {
    for (;;) {
      const holder = Atomics.compareExchange(words, H_LOCK, FREE, me);
      if (holder === FREE) return 0;
      // No timeout: every path that frees the lock (unlock, breakLock) notifies once it sees a
      // sleeper, a holder that dies included (releaseThread breaks its lock).
      Atomics.wait(words, H_LOCK, holder);
    }
  } finally {
    Atomics.sub(words, H_LOCK_WAITERS, 1);
  }
}

/** Gives the lock back, waking one sleeper if any. */
export function unlock(words: Int32Array): void {
  Atomics.store(words, H_LOCK, FREE);
  if (Atomics.load(words, H_LOCK_WAITERS) > 0) Atomics.notify(words, H_LOCK, 1);
}

/** Frees the lock if thread `threadId` holds it (it died there); returns whether it did. */
export function breakLock(words: Int32Array, threadId: number): boolean {
  if (Atomics.compareExchange(words, H_LOCK, threadId + 1, FREE) !== threadId + 1) return false;
  Atomics.notify(words, H_LOCK);
  return true;
}
