// The shared memory of one Mutex: a lock word that names its holder, then the common lineage table
// (sync-layout.ts).
//
//   byte 0     +----------------------------------+
//              | LOCK                             |  0 = free; else the holder's owner tag (bits
//              |                                  |  0-28) | POISONED (bit 29) | PARKED (bit 30)
//   byte 4     | POISONED_BY                      |  owner tag of the thread that died holding it
//   byte 60    | KIND = MUTEX_KIND                |
//   byte 64    +----------------------------------+
//              | LINEAGE (sync-layout.ts)         |
//   byte 1088  +----------------------------------+
//
// Taking the lock is one compare-exchange of LOCK from 0 to the taker's tag; giving it back is
// one compare-exchange from the tag to 0. Every other state of LOCK makes those fail, so the fast
// path reads no other word:
// - PARKED: a thread may be parked on LOCK (futex style, as Drepper's "Futexes are tricky"): the
//   release clears it and notifies one parked thread, which takes the lock with PARKED set again,
//   since others may still be parked. A parked thread that gives up (timeout, abort) notifies the
//   next one in its place, so a wake-up it was sent is never lost with it.
// - POISONED: its holder died holding it (found by `done(threadId, true)` through the tag); the
//   repair frees LOCK leaving POISONED set, and records the holder in POISONED_BY. A free word
//   with POISONED set is taken only by `lock({ ignorePoison: true })`, which keeps the bit; only
//   `clearPoison()` clears it.

/** Int32 index of each word. */
export const LOCK = 0;
export const POISONED_BY = 1;

/** In LOCK: the last holder died holding it. */
export const POISONED = 1 << 29;
/** In LOCK: someone may be parked on it; the release notifies. */
export const PARKED = 1 << 30;

export { LINEAGE_END as MUTEX_WORDS } from './sync-layout.js';
