import {
  COUNT_MASK,
  GEN_MASK,
  GEN_SHIFT,
  GROUP,
  GROUP_WORDS,
  GROUPS,
  HOLDER,
  IN_USE,
  LINK,
  RECEIVERS,
  RX_GROUPS,
  RX_GROUPS_USED,
  SENDERS,
  TX_GROUPS,
  TX_GROUPS_USED,
} from './channel-layout.js';

/** The side of a channel an end is on. */
export type Side = 'tx' | 'rx';

/** A group slot as an end knows it: its index, and the generation it had when the end joined it. */
export interface GroupRef {
  index: number;
  gen: number;
}

/**
 * How many ends each side of a channel has, kept so that a thread that dies at any instruction
 * leaves nothing to guess: every change a thread makes to a count is one atomic operation on one
 * word, and what a dead thread still held is one word its parent clears.
 *
 * An end on a thread that does not die on its own (the main thread, or a thread whose channel
 * no other thread shares) is *loose*: counted in SENDERS or RECEIVERS. An end moved into a thread
 * gets a *group*: a word counting it and the clones made from it in that thread. The parent
 * moves the end's count into the group when the post succeeded (the group's count first, so the
 * side's total never reads 0 meanwhile), and when the thread is done (returned, or died anywhere)
 * it clears the group: whatever was left open there is given back at once, exactly once. An end
 * whose group was cleared finds a new generation in the word and changes nothing.
 *
 * The alternative, a shared count plus a per-end "closed" flag (what this replaced), takes two
 * atomic operations to close an end; a thread terminated between them leaves a count that can
 * neither be trusted nor repaired, and receivers wait forever for a sender that is gone.
 */
export class EndCounts {
  readonly #control: Int32Array;

  constructor(control: Int32Array) {
    this.#control = control;
  }

  /** Ends of `side`: the loose ones plus every group's count. */
  total(side: Side): number {
    const control = this.#control;
    let total = Atomics.load(control, side === 'tx' ? SENDERS : RECEIVERS);
    const base = side === 'tx' ? TX_GROUPS : RX_GROUPS;
    const used = Atomics.load(control, side === 'tx' ? TX_GROUPS_USED : RX_GROUPS_USED);
    for (let i = 0; i < used; i++) {
      const word = Atomics.load(control, base + i * GROUP_WORDS + GROUP);
      if ((word & IN_USE) !== 0) total += word & COUNT_MASK;
    }
    return total;
  }

  /** Whether `side` has an end at all (`total(side) !== 0`, stopping at the first one). */
  any(side: Side): boolean {
    const control = this.#control;
    if (Atomics.load(control, side === 'tx' ? SENDERS : RECEIVERS) !== 0) return true;
    const base = side === 'tx' ? TX_GROUPS : RX_GROUPS;
    const used = Atomics.load(control, side === 'tx' ? TX_GROUPS_USED : RX_GROUPS_USED);
    for (let i = 0; i < used; i++) {
      const word = Atomics.load(control, base + i * GROUP_WORDS + GROUP);
      if ((word & IN_USE) !== 0 && (word & COUNT_MASK) !== 0) return true;
    }
    return false;
  }

  /** Adds `delta` loose ends to `side`. */
  addLoose(side: Side, delta: number): void {
    Atomics.add(this.#control, side === 'tx' ? SENDERS : RECEIVERS, delta);
  }

  /**
   * Adds `delta` (+1 or -1) to a group's count if the group is still the one `ref` joined; false
   * when it was cleared (its thread is done: nothing of it is counted any more).
   */
  addToGroup(side: Side, ref: GroupRef, delta: number): boolean {
    const control = this.#control;
    const at = groupBase(side, ref.index) + GROUP;
    let seen = Atomics.load(control, at);
    for (;;) {
      if ((seen & IN_USE) === 0 || ((seen >>> GEN_SHIFT) & GEN_MASK) !== ref.gen) return false;
      const count = seen & COUNT_MASK;
      if (delta > 0 && count === COUNT_MASK) {
        throw new RangeError(`a thread cannot hold more than ${COUNT_MASK} ends of one channel side`);
      }
      if (delta < 0 && count === 0) return false;
      const was = Atomics.compareExchange(control, at, seen, seen + delta);
      if (was === seen) return true;
      seen = was;
    }
  }

  /**
   * Takes a free group for an end about to move into a thread; its count stays 0 until the post
   * succeeded (`addToGroup(+1)`). `parent` is the group of the moving end, when it is itself in
   * a thread: clearing the parent clears this one too (a thread's threads die with it).
   *
   * @throws RangeError when GROUPS threads already hold ends of this side
   */
  reserve(side: Side, parent: GroupRef | undefined): GroupRef {
    const control = this.#control;
    for (let index = 0; index < GROUPS; index++) {
      const at = groupBase(side, index);
      let seen = Atomics.load(control, at + GROUP);
      while ((seen & IN_USE) === 0) {
        const gen = ((seen >>> GEN_SHIFT) + 1) & GEN_MASK;
        const was = Atomics.compareExchange(control, at + GROUP, seen, IN_USE | (gen << GEN_SHIFT));
        if (was === seen) {
          Atomics.store(control, at + LINK, parent === undefined ? 0 : linkTo(parent));
          Atomics.store(control, at + HOLDER, 0);
          const usedAt = side === 'tx' ? TX_GROUPS_USED : RX_GROUPS_USED;
          let used = Atomics.load(control, usedAt);
          while (used <= index) {
            const before = Atomics.compareExchange(control, usedAt, used, index + 1);
            if (before === used) break;
            used = before;
          }
          return { index, gen };
        }
        seen = was;
      }
    }
    throw new RangeError(
      `ends of this channel's ${side === 'tx' ? 'sending' : 'receiving'} side are already in ${GROUPS} threads: ` +
        'close some, or share fewer ends',
    );
  }

  /** Records which thread revived the group's end (its owner tag), for repairs. */
  setHolder(side: Side, ref: GroupRef, tag: number): void {
    const control = this.#control;
    const at = groupBase(side, ref.index);
    const word = Atomics.load(control, at + GROUP);
    if ((word & IN_USE) !== 0 && ((word >>> GEN_SHIFT) & GEN_MASK) === ref.gen) {
      Atomics.store(control, at + HOLDER, tag);
    }
  }

  /**
   * The owner tags of the threads holding `ref` and the groups under it (threads the holder
   * started and moved ends into), for repairs once the holder died.
   */
  holders(side: Side, ref: GroupRef): number[] {
    const tags: number[] = [];
    this.#walk(side, ref, (index) => {
      const tag = Atomics.load(this.#control, groupBase(side, index) + HOLDER);
      if (tag !== 0 && !tags.includes(tag)) tags.push(tag);
    });
    return tags;
  }

  /**
   * Clears `ref` and the groups under it: the ends they still counted are given back. Returns
   * how many that was. Idempotent: a group already cleared (or reused) is left alone.
   */
  clear(side: Side, ref: GroupRef): number {
    let given = 0;
    this.#walk(side, ref, (index, gen) => {
      given += this.#clearOne(side, index, gen);
    });
    return given;
  }

  /** Visits the groups under `ref` (children first), then `ref`, while they are in use. */
  #walk(side: Side, ref: GroupRef, visit: (index: number, gen: number) => void): void {
    const control = this.#control;
    const word = Atomics.load(control, groupBase(side, ref.index) + GROUP);
    if ((word & IN_USE) === 0 || ((word >>> GEN_SHIFT) & GEN_MASK) !== ref.gen) return;
    const link = linkTo(ref);
    const used = Atomics.load(control, side === 'tx' ? TX_GROUPS_USED : RX_GROUPS_USED);
    for (let index = 0; index < used; index++) {
      if (index === ref.index) continue;
      const at = groupBase(side, index);
      if (Atomics.load(control, at + LINK) !== link) continue;
      const child = Atomics.load(control, at + GROUP);
      if ((child & IN_USE) !== 0) this.#walk(side, { index, gen: (child >>> GEN_SHIFT) & GEN_MASK }, visit);
    }
    visit(ref.index, ref.gen);
  }

  #clearOne(side: Side, index: number, gen: number): number {
    const control = this.#control;
    const at = groupBase(side, index);
    let seen = Atomics.load(control, at + GROUP);
    for (;;) {
      if ((seen & IN_USE) === 0 || ((seen >>> GEN_SHIFT) & GEN_MASK) !== gen) return 0;
      // LINK goes first: a free group never claims a parent, so a later walk cannot take the
      // group's next use for a child of this one's parent.
      Atomics.store(control, at + LINK, 0);
      const was = Atomics.compareExchange(control, at + GROUP, seen, gen << GEN_SHIFT);
      if (was === seen) return seen & COUNT_MASK;
      seen = was;
    }
  }
}

function groupBase(side: Side, index: number): number {
  return (side === 'tx' ? TX_GROUPS : RX_GROUPS) + index * GROUP_WORDS;
}

function linkTo(ref: GroupRef): number {
  return (ref.index + 1) | (ref.gen << 16);
}
