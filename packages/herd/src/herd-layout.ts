// The bytes at the start of a herd's SharedArrayBuffer, and who may change them how:
// - under the lock word (spin-lock.ts): the member table, when a member is leased or parked, and
//   GENERATION and the rewind of CARVE, on reset();
// - without it: `releaseThread` turns a dead thread's LEASED slots EMPTY with a compare-and-swap
//   each (nobody but a slot's owner changes a LEASED slot, and that owner is gone); a member moves
//   CARVE by compare-and-swap (forward to carve a chunk, back to give one it just carved). Reset
//   may rewind it with a store because it runs only while no member is leased, and a member
//   carves only after checking that its lease is current;
// - LOCK and LOCK_WAITERS are the lock's own, changed atomically by whoever takes or waits on it;
// - the configuration words are written once, before the herd is shared.
//
//   offset  word  field
//   0       0     MAGIC          'HERD' (0x44524548), to recognise a herd's buffer
//   4       1     VERSION        layout version, bumped when this diagram changes
//   8       2     GENERATION     bumped by reset(); a slot or Member of another generation is stale
//   12      3     CARVE          next free byte for a new chunk, in 16-byte units
//   16      4     LOCK_WAITERS   threads asleep on LOCK
//   20      5     LOCK           0 free, else the holder's thread id + 1 (so a dead holder is known)
//   24      6     MAX_MEMBERS    slots in the member table
//   28      7     CHUNK_SIZE     a new member's first chunk, bytes
//   32      8     LIMIT          end of the usable memory, in 16-byte units
//   36      9     DATA_START     first byte of chunk memory, in 16-byte units
//   40      10    FLAGS          DEBUG: reset() poisons the chunk memory (every thread reads it)
//   44..63        reserved
//   64      16    member table: MAX_MEMBERS slots of 8 words (32 bytes) each:
//
//   slot word  field
//   0          STATE          EMPTY (no chunk), PARKED (chunk, free to lease), LEASED
//   1          GEN            generation the slot was written in; another generation reads as EMPTY
//   2          (reserved)
//   3          END            chunk end, bytes
//   4          POS            bump position when parked, bytes
//   5          OWNER          id of the leasing thread
//   6          NEXT_CHUNK     size of the member's next chunk (chunks double), bytes
//   7          SERIAL         bumped on each lease, so a release from an abandoned lease is ignored
//
//   then chunk memory, from DATA_START to the end of the buffer.
//
// A thread can be terminated anywhere, the lock held included. So every change under the lock
// ends with one write that makes it count (STATE, or GEN for a slot of an older generation),
// every field it depends on written before; how many members are leased is counted from the
// table, never kept apart from it; and the lock names its holder, so `releaseThread` of a dead
// holder frees it. Whatever a dead thread did not finish is then as if it never began.

export const MAGIC = 0x44524548;
export const VERSION = 2;

export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_GENERATION = 2;
export const H_CARVE = 3;
export const H_LOCK_WAITERS = 4;
export const H_LOCK = 5;
export const H_MAX_MEMBERS = 6;
export const H_CHUNK_SIZE = 7;
export const H_LIMIT = 8;
export const H_DATA_START = 9;
export const H_FLAGS = 10;
export const HEADER_WORDS = 16;

/** In FLAGS: the herd was made with `debug: true`. */
export const DEBUG = 1;

export const SLOT_WORDS = 8;
export const S_STATE = 0;
export const S_GEN = 1;
export const S_END = 3;
export const S_POS = 4;
export const S_OWNER = 5;
export const S_NEXT_CHUNK = 6;
export const S_SERIAL = 7;

export const EMPTY = 0;
export const PARKED = 1;
export const LEASED = 2;

/** Word index of slot `i`'s field `field`. */
export function slotWord(i: number, field: number): number {
  return HEADER_WORDS + i * SLOT_WORDS + field;
}

/** Bytes before chunk memory for a table of `maxMembers` slots, rounded to a cache line. */
export function headerBytes(maxMembers: number): number {
  return Math.ceil(((HEADER_WORDS + maxMembers * SLOT_WORDS) * 4) / 64) * 64;
}
