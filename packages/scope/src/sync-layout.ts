// What the shared memory of every sync primitive (Mutex, Condvar, Barrier, WaitGroup) has in
// common: its first 64-byte cache line holds the primitive's own hot words and, in its last word,
// a KIND mark that `fromShared` checks; then comes the LINEAGE table, for the primitives a thread
// can hold (a Mutex's lock, a Condvar's waiter cell) and that must therefore be repaired when a
// thread dies, even a thread nobody is told about (see "Lineage" below).
//
//   byte 0     +------------------------------+
//              | the primitive's words (0-14) |  see mutex-layout.ts, condvar-layout.ts, ...
//   byte 60    | KIND                         |  which primitive this buffer is (a magic number)
//   byte 64    +------------------------------+  Mutex and Condvar only:
//              | LINEAGE: ENTRIES x           |
//              |   CHILD PARENT CROSSING -    |  a thread that revived the primitive from another
//   byte 1088  +------------------------------+  thread (not a main thread), and which crossing
//
// Owner tags. A thread writes its tag (its thread id + 1, never 0, which means "nobody") into
// the words it holds: a lock word, a waiter cell. The tag fits in 29 bits, so the bits above it
// can carry flags in the same word (one compare-exchange both takes the word and reads them).
//
// Lineage. The runtime calls a crossing's `done(threadId, true)` in the thread that posted it,
// once the receiving thread died. A thread's own threads die with it (Node and browsers stop a
// worker's workers when it stops), and nobody calls `done` for those: their parent is gone. So a
// thread that revives a primitive sent by another (non-main) thread records (itself, its parent,
// the crossing) here, before its task runs; `done(dead, true)` repairs the dead thread and every
// thread recorded under it, transitively, and forgets their entries. `done(child, false)` (the
// child's task ended) forgets the child's entry for that crossing. At most ENTRIES such nested
// crossings are recorded at once; one past that is not, and its thread is then repaired only if
// the runtime reports its own death.

/** Int32 index of the KIND mark. */
export const KIND = 15;

export const MUTEX_KIND = 0x4d757478; // 'Mutx'
export const CONDVAR_KIND = 0x436f6e64; // 'Cond'
export const BARRIER_KIND = 0x42617272; // 'Barr'
export const WAIT_GROUP_KIND = 0x57677270; // 'Wgrp'

/** Int32 index of the first lineage entry. */
export const LINEAGE = 16;
/** Lineage entries: nested crossings recorded at once. */
export const LINEAGE_ENTRIES = 64;
/** Int32 words per entry. */
export const ENTRY_WORDS = 4;
/** Offsets inside an entry: the child's tag (0: the entry is free), its parent's, the crossing's id. */
export const CHILD = 0;
export const PARENT = 1;
export const CROSSING_ID = 2;

/** Words of the common part: the primitive's line plus the lineage table. */
export const LINEAGE_END = LINEAGE + LINEAGE_ENTRIES * ENTRY_WORDS;

/** The bits of a word that hold an owner tag; bits 29 and 30 are left for flags. */
export const TAG_MASK = (1 << 29) - 1;

/** What a thread writes into the words it holds: never 0, which means nobody. */
export function syncTag(threadId: number): number {
  return (threadId + 1) & TAG_MASK;
}
