// The shared memory of one channel: a control block, then a ring of plain Float64 slots. Values
// are published by counters, not per-slot stamps: a sender writes its value with a plain store,
// then moves the committed TAIL past it with one seq-cst compare-exchange (a full fence), and a
// receiver that read TAIL may read every slot below it; symmetrically for HEAD.
//
//   byte 0    +------------------------------+  each hot word on its own 64-byte cache line
//             | TAIL                          |  committed tail | RX_SLEEP | NO_RECEIVERS
//   byte 64   | TX_RESERVE                    |  next position a shared sender reserves
//   byte 128  | HEAD                          |  committed head | TX_SLEEP
//   byte 192  | RX_RESERVE                    |  next position a shared receiver claims
//   byte 256  | SENDERS RECEIVERS CAPACITY    |  end counts; CAPACITY is the asked capacity
//             | SLOTS                         |  (0 = rendezvous, which uses one slot)
//   byte 320  | RX_WAITERS                    |  receivers parked (a rendezvous trySend needs one)
//   byte 384  +------------------------------+
//             | values: Float64 x SLOTS       |  SLOTS: a power of two >= max(CAPACITY, 1)
//             +------------------------------+
//
// A position is a 29-bit counter (it wraps; every difference is taken modulo 2^29, and no two
// positions compared are ever 2^29 - capacity apart); the slot of a position is its low bits. The
// bits above it in TAIL and HEAD are rare facts folded into the words each side touches anyway,
// as crossbeam folds its MARK bit, so the fast path reads no other word: a compare-exchange that
// expects a bare position fails exactly when one is set, and the slow path handles it.
//
// Receivers park on TAIL (after setting RX_SLEEP in it), senders on HEAD (after setting TX_SLEEP):
// whoever moves the word past a set flag clears it and notifies that word.

/** Int32 index of each control word. */
export const TAIL = 0;
export const TX_RESERVE = 16;
export const HEAD = 32;
export const RX_RESERVE = 48;
export const SENDERS = 64;
export const RECEIVERS = 65;
export const CAPACITY = 66;
export const SLOTS = 67;
export const RX_WAITERS = 80;

export const CONTROL_BYTES = 384;

export const POS_BITS = 29;
/** Positions live in [0, POS_MASK]; the next position is `(pos + 1) & POS_MASK`. */
export const POS_MASK = (1 << POS_BITS) - 1;
/** In TAIL: a receiver may be parked on TAIL; a sender that commits past it notifies TAIL. */
export const RX_SLEEP = 1 << 30;
/** In TAIL: every receiver closed; sends fail. Set once, never cleared. */
export const NO_RECEIVERS = 1 << 29;
/** In HEAD: a sender may be parked on HEAD; a receiver that commits past it notifies HEAD. */
export const TX_SLEEP = 1 << 30;

/** Largest capacity: keeps positions 2^5 laps apart at least and the buffer under 200 MB. */
export const MAX_CAPACITY = 1 << 24;

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
