import {
  CELLS,
  CLAIMING,
  cellAt,
  HIGH,
  PHASE_MASK,
  STATE,
  TICKET,
  TICKET_OF,
  WAITING,
  WOKEN,
} from './condvar-layout.js';
import { TAG_MASK } from './sync-layout.js';

/**
 * A Condvar's waiter cells (condvar-layout.ts), as one thread uses them: claiming one for a wait,
 * waking the oldest waiter or all of them, taking a cell back after a timeout, and repairing the
 * cells of dead threads.
 */
export class CondvarCells {
  readonly words: Int32Array;
  /** This thread's owner tag. */
  readonly me: number;

  constructor(words: Int32Array, me: number) {
    this.words = words;
    this.me = me;
  }

  /**
   * Claims a cell and marks it WAITING, for a wait about to let its mutex go. Returns the index
   * of the cell's STATE word.
   *
   * @throws RangeError when every cell is taken
   */
  claim(method: string): number {
    const words = this.words;
    const me = this.me;
    for (let cell = 0; cell < CELLS; cell++) {
      const at = cellAt(cell);
      if (Atomics.compareExchange(words, at + STATE, 0, me | CLAIMING) !== 0) continue;
      Atomics.store(words, at + TICKET_OF, Atomics.add(words, TICKET, 1));
      let high = Atomics.load(words, HIGH);
      while (high <= cell) {
        const was = Atomics.compareExchange(words, HIGH, high, cell + 1);
        if (was === high) break;
        high = was;
      }
      Atomics.store(words, at + STATE, me | WAITING);
      return at;
    }
    throw new RangeError(`${method}: ${CELLS} waits are pending on this Condvar already, the most it takes`);
  }

  /** Whether the cell at `at` was woken (it stays claimed until `free`). */
  woken(at: number): boolean {
    return (Atomics.load(this.words, at + STATE) & PHASE_MASK) === WOKEN;
  }

  /**
   * Takes a cell that stopped waiting back: true when it was still WAITING (the wait gave up),
   * false when it had been woken first (the wait counts as woken). Frees the cell either way.
   */
  leave(at: number): boolean {
    const words = this.words;
    const cancelled =
      Atomics.compareExchange(words, at + STATE, this.me | WAITING, 0) === (this.me | WAITING);
    if (!cancelled) Atomics.compareExchange(words, at + STATE, this.me | WOKEN, 0);
    return cancelled;
  }

  /** Wakes the waiter waiting the longest; false when none waits. */
  notifyOne(): boolean {
    const words = this.words;
    for (;;) {
      const high = Atomics.load(words, HIGH);
      const next = Atomics.load(words, TICKET);
      let best = -1;
      let bestState = 0;
      let bestAge = -1;
      for (let cell = 0; cell < high; cell++) {
        const at = cellAt(cell);
        const state = Atomics.load(words, at + STATE);
        if ((state & PHASE_MASK) !== WAITING) continue;
        const age = (next - Atomics.load(words, at + TICKET_OF)) >>> 0;
        if (age > bestAge) {
          best = at;
          bestState = state;
          bestAge = age;
        }
      }
      if (best < 0) return false;
      if (this.#wake(best, bestState)) return true;
    }
  }

  /** Wakes every waiter waiting now; returns how many. */
  notifyAll(): number {
    const words = this.words;
    const high = Atomics.load(words, HIGH);
    let woken = 0;
    for (let cell = 0; cell < high; cell++) {
      const at = cellAt(cell);
      let state = Atomics.load(words, at + STATE);
      while ((state & PHASE_MASK) === WAITING) {
        if (this.#wake(at, state)) {
          woken++;
          break;
        }
        state = Atomics.load(words, at + STATE);
      }
    }
    return woken;
  }

  /**
   * For threads that stopped: frees their cells, wakes another waiter for each wake-up they were
   * sent and never used, and notifies every woken cell (a notifier may have died between waking a
   * cell and notifying it). Idempotent.
   */
  repair(tags: readonly number[]): void {
    const words = this.words;
    const high = Atomics.load(words, HIGH);
    let owed = 0;
    for (let cell = 0; cell < high; cell++) {
      const at = cellAt(cell);
      const state = Atomics.load(words, at + STATE);
      if (state === 0 || !tags.includes(state & TAG_MASK)) continue;
      if (Atomics.compareExchange(words, at + STATE, state, 0) === state && (state & PHASE_MASK) === WOKEN)
        owed++;
    }
    for (; owed > 0 && this.notifyOne(); owed--);
    for (let cell = 0; cell < high; cell++) {
      const at = cellAt(cell);
      if ((Atomics.load(words, at + STATE) & PHASE_MASK) === WOKEN) Atomics.notify(words, at + STATE);
    }
  }

  #wake(at: number, state: number): boolean {
    const words = this.words;
    if (Atomics.compareExchange(words, at + STATE, state, (state & TAG_MASK) | WOKEN) !== state) return false;
    Atomics.notify(words, at + STATE);
    return true;
  }
}
