// The shared memory of one channel: a control block, then a ring of plain Float64 slots. Values
// are published by counters, not per-slot stamps: a sender writes its value with a plain store,
// then moves the committed TAIL past it with one seq-cst compare-exchange (a full fence), and a
// receiver that read TAIL may read every slot below it; symmetrically for HEAD.
//
//   byte 0    +--------------------------------+  each hot word on its own 64-byte cache line
//             | TAIL                           |  committed tail | RX_SLEEP | NO_RECEIVERS
//   byte 64   | TX_LOCK                        |  0, or the holder's owner tag | WAITING
//   byte 128  | HEAD                           |  committed head | TX_SLEEP
//   byte 192  | RX_LOCK                        |  0, or the holder's owner tag | WAITING
//   byte 256  | SENDERS RECEIVERS CAPACITY     |  loose end counts (ends in no group); CAPACITY
//             | SLOTS TX_GROUPS_USED           |  is the asked capacity (0 = rendezvous, which
//             | RX_GROUPS_USED                 |  uses one slot); *_GROUPS_USED: high-water marks
//   byte 320  | WAITERS x 16                   |  receivers parked on a rendezvous channel: 0, or
//             |                                |  the owner tag of the thread parked there
//   byte 384  | TX_GROUPS: GROUPS x            |  one group per sender end moved into a thread:
//             |   GROUP LINK HOLDER (spare)    |  see "Groups" below
//   byte 2432 | RX_GROUPS: GROUPS x ...        |  the same for receiver ends
//   byte 4480 +--------------------------------+
//             | values: Float64 x SLOTS        |  SLOTS: a power of two >= max(CAPACITY, 1)
//             +--------------------------------+
//
// Positions. A position is a 29-bit counter (it wraps; every difference is taken modulo 2^29, and
// no two positions compared are ever 2^29 - capacity apart); the slot of a position is its low
// bits. The bits above it in TAIL and HEAD are rare facts folded into the words each side touches
// anyway, as crossbeam folds its MARK bit, so the fast path reads no other word: a
// compare-exchange that expects a bare position fails exactly when one is set.
//
// Locks. TX_LOCK and RX_LOCK serialise the ends of a side when it has several (one end alone
// takes no lock). A holder writes its owner tag (its thread id + 1) with the compare-exchange that
// takes the lock, so a thread that dies holding it can be found out and the lock freed by the
// crossing's `done(threadId, true)`. WAITING in a lock word: a thread parked on it; the release
// then notifies.
//
// Groups. Every end moved into a thread gets a group (a slot of TX_GROUPS or RX_GROUPS), which
// counts that end and the clones made from it there, so the thread changes one word per clone or
// close, and the parent gives back whatever is left by clearing that word when the thread is done,
// alive or dead. The ends of a side are SENDERS (RECEIVERS) plus the counts of that side's groups.
//   GROUP   count (bits 0-15) | IN_USE (bit 16) | generation (bits 17-30, bumped on each reuse)
//   LINK    0, or the parent group (an end moved on from a thread): index + 1 | its generation << 16
//   HOLDER  owner tag of the thread the end was revived in (a nested thread's locks are repaired
//           through it when its parent thread dies)

/** Int32 index of each control word. */
export const TAIL = 0;
export const TX_LOCK = 16;
export const HEAD = 32;
export const RX_LOCK = 48;
export const SENDERS = 64;
export const RECEIVERS = 65;
export const CAPACITY = 66;
export const SLOTS = 67;
export const TX_GROUPS_USED = 68;
export const RX_GROUPS_USED = 69;
export const WAITERS = 80;
export const WAITER_CELLS = 16;
export const TX_GROUPS = 96;

/** Groups per side: at most this many threads hold ends of one side of a channel at a time. */
export const GROUPS = 128;
/** Int32 words per group. */
export const GROUP_WORDS = 4;
/** Offsets inside a group. */
export const GROUP = 0;
export const LINK = 1;
export const HOLDER = 2;
export const RX_GROUPS = TX_GROUPS + GROUPS * GROUP_WORDS;

export const CONTROL_BYTES = (RX_GROUPS + GROUPS * GROUP_WORDS) * 4;

export const POS_BITS = 29;
/** Positions live in [0, POS_MASK]; the next position is `(pos + 1) & POS_MASK`. */
export const POS_MASK = (1 << POS_BITS) - 1;
/** In TAIL: a receiver may be parked on TAIL; a sender that commits past it notifies TAIL. */
export const RX_SLEEP = 1 << 30;
/** In TAIL: every receiver closed; sends fail. Set once, never cleared. */
export const NO_RECEIVERS = 1 << 29;
/** In HEAD: a sender may be parked on HEAD; a receiver that commits past it notifies HEAD. */
export const TX_SLEEP = 1 << 30;

/** In a lock word: someone is parked on it. */
export const WAITING = 1 << 30;
/** In a lock word or a waiter cell: the owner tag. */
export const OWNER_MASK = WAITING - 1;

export const COUNT_MASK = 0xffff;
export const IN_USE = 1 << 16;
export const GEN_SHIFT = 17;
export const GEN_MASK = 0x3fff;

/** Largest capacity: keeps positions 2^5 laps apart at least and the buffer under 200 MB. */
export const MAX_CAPACITY = 1 << 24;

/** What a thread writes into lock words and waiter cells: never 0, which means free. */
export function ownerTag(threadId: number): number {
  return (threadId + 1) & OWNER_MASK;
}

export function slotsFor(capacity: number): number {
  let slots = 1;
  while (slots < capacity) slots *= 2;
  return slots;
}

export function valuesOffset(): number {
  return CONTROL_BYTES;
}

export function byteLengthFor(slots: number): number {
  return CONTROL_BYTES + slots * 8;
}
