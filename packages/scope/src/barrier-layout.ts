// The shared memory of one Barrier: one word for the round, so that arriving, completing a round,
// giving up and breaking are each one compare-exchange on it, and every waiter parks on it.
//
//   byte 0     +----------------------------------+
//              | STATE                            |  arrived (bits 0-19) | generation (bits 20-28)
//              |                                  |  | BROKEN (bit 30)
//   byte 4     | PARTIES                          |  n, the threads each round waits for
//   byte 8     | BROKEN_BY                        |  owner tag of the thread whose death broke it
//   byte 60    | KIND = BARRIER_KIND              |
//   byte 64    +----------------------------------+
//
// An arrival adds one to `arrived`; the one that makes it n is the round's leader: its
// compare-exchange resets `arrived` to 0 and moves the generation on, in the same step, so exactly
// one arrival of a round sees n, and a waiter knows its round is over when the generation moved.
// A waiter that gives up (timeout, abort, the end of its task) takes its arrival back with a
// compare-exchange that expects its own generation: if the round completed first, that fails and
// the wait counts as passed. A generation cannot come back round to a waiter's own while it waits,
// since no round completes without it.
//
// BROKEN is set, for good, when a thread the barrier had crossed into died (it is a party that
// will never arrive); waits of the current round then throw, and so do later arrivals. A round
// that completed before still counts for its waiters (their generation moved).

/** Int32 index of each word. */
export const STATE = 0;
export const PARTIES = 1;
export const BROKEN_BY = 2;

export const ARRIVED_MASK = (1 << 20) - 1;
export const GEN_SHIFT = 20;
export const GEN_MASK = 0x1ff;
/** In STATE: a thread the barrier crossed into died; no round completes any more. */
export const BROKEN = 1 << 30;

/** The most parties a barrier takes. */
export const MAX_PARTIES = ARRIVED_MASK;

export const BARRIER_WORDS = 16;

/** The generation in a STATE word. */
export function generation(state: number): number {
  return (state >>> GEN_SHIFT) & GEN_MASK;
}
