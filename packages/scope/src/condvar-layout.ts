// The shared memory of one Condvar: a ticket counter, then a cell per waiting thread (or pending
// async wait), each naming its waiter.
//
//   byte 0     +----------------------------------+
//              | TICKET                           |  the next waiter's ticket (wraps)
//   byte 4     | HIGH                             |  cells claimed so far (a high-water mark)
//   byte 60    | KIND = CONDVAR_KIND              |
//   byte 64    +----------------------------------+
//              | LINEAGE (sync-layout.ts)         |
//   byte 1088  +----------------------------------+
//              | CELLS x 256:                     |
//              |   STATE                          |  0 = free; else the waiter's owner tag (bits
//              |                                  |  0-28) | its phase (bits 29-30)
//              |   TICKET_OF                      |  the waiter's ticket: notifyOne wakes the oldest
//   byte 3136  +----------------------------------+
//
// A wait claims a free cell (a compare-exchange from 0 to tag | CLAIMING) while it holds the
// mutex, takes a ticket, marks the cell WAITING, lets the mutex go and parks on its own cell.
// notifyOne moves the WAITING cell with the oldest ticket to WOKEN (a compare-exchange) and
// notifies that cell; notifyAll does so for every WAITING cell. A waiter that times out or is
// aborted takes its cell back from WAITING to free with a compare-exchange: if that fails, it was
// woken first, and the wait counts as woken (a notify is never lost to a wait that gave up).
//
// So a notify wakes exactly the waiters that were waiting when it was made (none: it is lost, as a
// condition variable's notify is), oldest first, and a waiter wakes only when notified: no
// spurious wake-ups, except that a repair may hand the wake-up of a dead waiter to another.
//
// A dead thread's cells are found by their owner tag: WAITING or CLAIMING ones are freed, and for
// a WOKEN one (a wake-up it was sent and never used) another waiter is woken in its place. A
// notifier that died between its compare-exchange and its notify left a WOKEN cell unnotified: the
// repair notifies every WOKEN cell.

import { LINEAGE_END } from './sync-layout.js';

/** Int32 index of each word. */
export const TICKET = 0;
export const HIGH = 1;

/** Cells: waits pending on one condvar at once, at most. */
export const CELLS = 256;
/** Int32 words per cell, and the offsets inside one. */
export const CELL_WORDS = 2;
export const STATE = 0;
export const TICKET_OF = 1;
/** Int32 index of the first cell. */
export const FIRST_CELL = LINEAGE_END;

/** The phase of a cell, in its STATE word. */
export const PHASE_MASK = 3 << 29;
export const CLAIMING = 1 << 29;
export const WAITING = 2 << 29;
export const WOKEN = 3 << 29;

export const CONDVAR_WORDS = FIRST_CELL + CELLS * CELL_WORDS;

/** Int32 index of cell `cell`'s STATE word. */
export function cellAt(cell: number): number {
  return FIRST_CELL + cell * CELL_WORDS;
}
