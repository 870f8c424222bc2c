// The shared memory of one channel: a control block, then a ring of stamped slots (after
// Dmitry Vyukov's bounded MPMC queue, with crossbeam's laps so any capacity works).
//
//   byte 0    +------------------------------+  each hot word on its own 64-byte cache line, so
//             | TAIL          (senders' line) |  senders and receivers never write one line
//   byte 64   | HEAD        (receivers' line) |
//   byte 128  | SENDERS RECEIVERS CAPACITY    |  end counts; CAPACITY is the asked capacity
//             | SLOTS ONE_LAP                 |  (0 = rendezvous, which uses one slot)
//   byte 192  | RX_WAITERS RX_EVENT           |  receivers parked, and the word they park on
//   byte 256  | TX_WAITERS TX_EVENT           |  senders parked, and the word they park on
//   byte 320  +------------------------------+
//             | stamps: Int32 x SLOTS         |  stamp == position     -> slot free for that lap
//             |                               |  stamp == position + 1 -> slot holds a value
//             +------------------------------+  (padded to 8 bytes)
//             | values: Float64 x SLOTS       |
//             +------------------------------+
//
// A position is `lap | index` in one Int32 (ONE_LAP is a power of two above SLOTS); every
// position sum is wrapped with `| 0`, and positions are only compared for equality, so wrapping
// past 2^31 is harmless.

/** Int32 index of each control word. */
export const TAIL = 0;
export const HEAD = 16;
export const SENDERS = 32;
export const RECEIVERS = 33;
export const CAPACITY = 34;
export const SLOTS = 35;
export const ONE_LAP = 36;
export const RX_WAITERS = 48;
export const RX_EVENT = 49;
export const TX_WAITERS = 64;
export const TX_EVENT = 65;

export const CONTROL_BYTES = 320;

/** Largest capacity: keeps the lap bits well inside an Int32 and the buffer under 200 MB. */
export const MAX_CAPACITY = 1 << 24;

export function slotsFor(capacity: number): number {
  return Math.max(capacity, 1);
}

export function oneLapFor(slots: number): number {
  let lap = 1;
  while (lap <= slots) lap *= 2;
  return lap;
}

export function stampsOffset(): number {
  return CONTROL_BYTES;
}

export function valuesOffset(slots: number): number {
  return CONTROL_BYTES + Math.ceil((slots * 4) / 8) * 8;
}

export function byteLengthFor(slots: number): number {
  return valuesOffset(slots) + slots * 8;
}
