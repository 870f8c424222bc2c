import { H_LOCK } from './herd-layout.js';

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
/** Spins before sleeping: the critical sections are a few dozen loads and stores. */
const SPINS = 64;

/**
 * Takes the herd's lock word (a three-state futex lock: free, held, held with waiters). Node
 * allows `Atomics.wait` on the main thread too; it is only reached under contention.
 */
export function lock(words: Int32Array): void {
  if (Atomics.compareExchange(words, H_LOCK, FREE, HELD) === FREE) return;
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(words, H_LOCK) === FREE && Atomics.compareExchange(words, H_LOCK, FREE, HELD) === FREE)
      return;
  }
  while (Atomics.exchange(words, H_LOCK, CONTENDED) !== FREE) Atomics.wait(words, H_LOCK, CONTENDED, 10);
}

/** Gives the lock back, waking one waiter if any slept. */
export function unlock(words: Int32Array): void {
  if (Atomics.exchange(words, H_LOCK, FREE) === CONTENDED) Atomics.notify(words, H_LOCK, 1);
}
