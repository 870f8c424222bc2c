import { CHILD, CROSSING_ID, ENTRY_WORDS, LINEAGE, LINEAGE_ENTRIES, PARENT } from './sync-layout.js';

/**
 * The lineage table of a primitive a thread can hold (see sync-layout.ts): which threads received
 * it from which other threads, so that the repair of a dead thread reaches the threads it started,
 * which died with it and whose own `done` nobody will call.
 *
 * An entry is written by the child alone (claimed with one compare-exchange on CHILD, then PARENT
 * and CROSSING_ID), and only ever matched on PARENT or CROSSING_ID, which are 0 until written: a
 * child stopped half-way through writing it leaves an entry that matches nothing.
 */
export class Lineage {
  readonly #words: Int32Array;

  constructor(words: Int32Array) {
    this.#words = words;
  }

  /**
   * Records that thread `child` revived the primitive from thread `parent`'s crossing `crossing`.
   * Does nothing when the table is full (see sync-layout.ts).
   */
  record(child: number, parent: number, crossing: number): void {
    const words = this.#words;
    for (let i = 0; i < LINEAGE_ENTRIES; i++) {
      const at = LINEAGE + i * ENTRY_WORDS;
      if (Atomics.compareExchange(words, at + CHILD, 0, child) !== 0) continue;
      Atomics.store(words, at + PARENT, parent);
      Atomics.store(words, at + CROSSING_ID, crossing);
      return;
    }
  }

  /** The dead thread `tag` and every thread recorded under it, transitively. */
  family(tag: number): number[] {
    const words = this.#words;
    const found = [tag];
    for (let k = 0; k < found.length; k++) {
      for (let i = 0; i < LINEAGE_ENTRIES; i++) {
        const at = LINEAGE + i * ENTRY_WORDS;
        if (Atomics.load(words, at + PARENT) !== found[k]) continue;
        const child = Atomics.load(words, at + CHILD);
        if (child !== 0 && !found.includes(child)) found.push(child);
      }
    }
    return found;
  }

  /** Forgets every entry of the threads `tags` (as a child or as a parent): they are gone. */
  forgetAll(tags: number[]): void {
    const words = this.#words;
    for (let i = 0; i < LINEAGE_ENTRIES; i++) {
      const at = LINEAGE + i * ENTRY_WORDS;
      const child = Atomics.load(words, at + CHILD);
      if (child === 0) continue;
      if (tags.includes(child) || tags.includes(Atomics.load(words, at + PARENT))) this.#free(at);
    }
  }

  /** Forgets `child`'s entry for crossing `crossing` of thread `parent`: its task ended. */
  forget(child: number, parent: number, crossing: number): void {
    const words = this.#words;
    for (let i = 0; i < LINEAGE_ENTRIES; i++) {
      const at = LINEAGE + i * ENTRY_WORDS;
      if (
        Atomics.load(words, at + CHILD) === child &&
        Atomics.load(words, at + PARENT) === parent &&
        Atomics.load(words, at + CROSSING_ID) === crossing
      ) {
        this.#free(at);
        return;
      }
    }
  }

  /** Frees an entry: what it is matched on first, so that it never matches half-cleared. */
  #free(at: number): void {
    const words = this.#words;
    Atomics.store(words, at + PARENT, 0);
    Atomics.store(words, at + CROSSING_ID, 0);
    Atomics.store(words, at + CHILD, 0);
  }
}
