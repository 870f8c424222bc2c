import { DebugMemory, Memory } from '@herd/bump';
import { currentThreadId } from '@herd/shared';
import { HerdBusyError } from './errors.js';
import {
  DEBUG,
  EMPTY,
  H_CARVE,
  H_CHUNK_SIZE,
  H_DATA_START,
  H_FLAGS,
  H_GENERATION,
  H_LIMIT,
  H_MAX_MEMBERS,
  LEASED,
  PARKED,
  S_END,
  S_GEN,
  S_NEXT_CHUNK,
  S_OWNER,
  S_POS,
  S_SERIAL,
  S_STATE,
  slotWord,
} from './herd-layout.js';
import { breakLock, lock, MAIN_THREAD_PATIENCE_MS, unlock } from './spin-lock.js';

/** What a lease hands a member: its slot and where it continues (end = 0 for no chunk). */
export interface Lease {
  slot: number;
  generation: number;
  serial: number;
  end: number;
  pos: number;
  nextChunk: number;
}

/** Largest chunk a member takes at once, unless one allocation needs more. */
export const MAX_MEMBER_CHUNK = 32 * 2 ** 20;

/**
 * The herd's shared state, as one thread sees it: the header and member table in the buffer, and
 * the operations on them. `Herd` and `Member` both work through it. See herd-layout.ts for why
 * each change ends with the one write that makes it count.
 */
export class HerdState {
  readonly memory: Memory;
  readonly words: Int32Array;
  readonly maxMembers: number;
  readonly chunkSize: number;
  /** End of usable memory, bytes. */
  readonly limit: number;
  readonly dataStart: number;

  constructor(buffer: SharedArrayBuffer) {
    const debug = (new Int32Array(buffer, 0, H_FLAGS + 1)[H_FLAGS]! & DEBUG) !== 0;
    this.memory = debug ? new DebugMemory(buffer) : new Memory(buffer);
    this.words = this.memory.i32;
    const w = this.words;
    this.maxMembers = w[H_MAX_MEMBERS]!;
    this.chunkSize = w[H_CHUNK_SIZE]!;
    this.limit = (w[H_LIMIT]! >>> 0) * 16;
    this.dataStart = (w[H_DATA_START]! >>> 0) * 16;
  }

  /** Leases a parked member, or an empty slot when none is parked, for the calling thread. */
  lease(): Lease {
    const w = this.words;
    const owner = currentThreadId();
    this.lock();
    try {
      const gen = w[H_GENERATION]!;
      let parked = -1;
      let empty = -1;
      for (let i = 0; i < this.maxMembers; i++) {
        const state = this.stateOf(i, gen);
        if (state === PARKED) {
          parked = i;
          break;
        }
        if (state === EMPTY && empty < 0) empty = i;
      }
      const slot = parked >= 0 ? parked : empty;
      if (slot < 0) throw this.allLeased(owner);
      if (parked < 0) {
        w[slotWord(slot, S_END)] = 0;
        w[slotWord(slot, S_POS)] = 0;
        w[slotWord(slot, S_NEXT_CHUNK)] = this.chunkSize;
      }
      w[slotWord(slot, S_OWNER)] = owner;
      const serial = (w[slotWord(slot, S_SERIAL)]! + 1) | 0;
      w[slotWord(slot, S_SERIAL)] = serial;
      // The writes that make the lease count: STATE, then GEN for a slot of an older generation
      // (until then it reads as EMPTY, whatever its STATE says).
      Atomics.store(w, slotWord(slot, S_STATE), LEASED);
      Atomics.store(w, slotWord(slot, S_GEN), gen);
      return {
        slot,
        generation: gen,
        serial,
        end: w[slotWord(slot, S_END)]! >>> 0,
        pos: w[slotWord(slot, S_POS)]! >>> 0,
        nextChunk: w[slotWord(slot, S_NEXT_CHUNK)]! >>> 0,
      };
    } finally {
      unlock(w);
    }
  }

  /**
   * Parks a member's chunk for the next lease. Returns false (and changes nothing) when the lease
   * is no longer current: its thread's leases were returned by `releaseThread`.
   */
  park(lease: Lease, end: number, pos: number, nextChunk: number): boolean {
    const w = this.words;
    this.lock();
    try {
      const { slot } = lease;
      if (!this.current(lease)) return false;
      w[slotWord(slot, S_END)] = end;
      w[slotWord(slot, S_POS)] = pos;
      w[slotWord(slot, S_NEXT_CHUNK)] = nextChunk;
      Atomics.store(w, slotWord(slot, S_STATE), PARKED);
      return true;
    } finally {
      unlock(w);
    }
  }

  /** Whether `lease` still holds its slot (not returned by `releaseThread`, no reset since). */
  current(lease: Lease): boolean {
    const w = this.words;
    const { slot } = lease;
    return (
      Atomics.load(w, H_GENERATION) === lease.generation &&
      Atomics.load(w, slotWord(slot, S_GEN)) === lease.generation &&
      Atomics.load(w, slotWord(slot, S_STATE)) === LEASED &&
      Atomics.load(w, slotWord(slot, S_SERIAL)) === lease.serial
    );
  }

  /**
   * Carves a chunk of `bytes` (a multiple of 16) for a member, or fewer bytes, down to `needed`,
   * when the herd is nearly full. Returns its bounds, or `null` when not even `needed` bytes are
   * left.
   * Lock-free: one compare-and-swap on the carve cursor, which never moves past the limit, so a
   * member that runs out leaves the cursor for the others.
   */
  carve(needed: number, bytes: number): { start: number; end: number } | null {
    const w = this.words;
    const limit16 = this.limit / 16;
    for (;;) {
      const top16 = Atomics.load(w, H_CARVE) >>> 0;
      const room = (limit16 - top16) * 16;
      const size = Math.min(bytes, room);
      if (size < needed) return null;
      const next16 = top16 + size / 16;
      if (Atomics.compareExchange(w, H_CARVE, top16 | 0, next16 | 0) === (top16 | 0)) {
        return { start: top16 * 16, end: next16 * 16 };
      }
    }
  }

  /**
   * Gives back the chunk `[start, end)` if it is still the last one carved; returns whether it did.
   * Used when a member's failed `allocSliceFillWith` made it carve for nothing.
   */
  uncarve(start: number, end: number): boolean {
    return (
      Atomics.compareExchange(this.words, H_CARVE, (end / 16) | 0, (start / 16) | 0) === ((end / 16) | 0)
    );
  }

  /** Members leased now, in every thread, by owner thread id. */
  holders(): Map<number, number> {
    const w = this.words;
    const gen = Atomics.load(w, H_GENERATION);
    const holders = new Map<number, number>();
    for (let i = 0; i < this.maxMembers; i++) {
      if (this.stateOf(i, gen) !== LEASED) continue;
      const owner = Atomics.load(w, slotWord(i, S_OWNER));
      holders.set(owner, (holders.get(owner) ?? 0) + 1);
    }
    return holders;
  }

  /** Members leased now, in every thread. */
  leased(): number {
    let leased = 0;
    for (const count of this.holders().values()) leased += count;
    return leased;
  }

  /** Bytes of chunk memory carved so far. */
  carvedBytes(): number {
    return (Atomics.load(this.words, H_CARVE) >>> 0) * 16 - this.dataStart;
  }

  /**
   * Abandons the leases owned by thread `owner`, and frees the lock if it died holding it; their
   * chunks stay carved until reset. Returns how many leases it returned.
   *
   * Without the lock: it runs on the main thread when a thread is seen dead, and another thread
   * that died at the same moment may still hold the lock (its end is seen next), which the main
   * thread must not wait for. Nothing else changes a LEASED slot but its owner, which is gone, so
   * a compare-exchange of each of its slots from LEASED to EMPTY is enough; a lease in progress
   * elsewhere only ever takes a slot that reads EMPTY or PARKED.
   */
  releaseThread(owner: number): number {
    const w = this.words;
    breakLock(w, owner);
    const gen = Atomics.load(w, H_GENERATION);
    let returned = 0;
    for (let i = 0; i < this.maxMembers; i++) {
      if (this.stateOf(i, gen) !== LEASED || Atomics.load(w, slotWord(i, S_OWNER)) !== owner) continue;
      if (Atomics.compareExchange(w, slotWord(i, S_STATE), LEASED, EMPTY) === LEASED) returned++;
    }
    return returned;
  }

  /** Forgets every chunk in O(1) by moving to a new generation; refuses while members are leased. */
  reset(): void {
    const w = this.words;
    this.lock();
    try {
      const holders = this.holders();
      if (holders.size > 0) throw busy('cannot reset the herd while', holders, ': release them first');
      // GENERATION first: a reset cut short after it leaves the carved memory unused until the
      // next reset, never handed out twice.
      Atomics.store(w, H_GENERATION, (w[H_GENERATION]! + 1) | 0);
      const carved = (Atomics.load(w, H_CARVE) >>> 0) * 16;
      Atomics.store(w, H_CARVE, this.dataStart / 16);
      // Debug: what was allocated reads as poison until it is allocated and written again.
      if (this.memory instanceof DebugMemory) this.memory.poison(this.dataStart, carved);
    } finally {
      unlock(w);
    }
  }

  /**
   * Takes the lock; on a main thread that waited too long for it (its holder was terminated in
   * the middle of a lease, and the runtime has not yet seen the thread gone), a `HerdBusyError`.
   */
  private lock(): void {
    const holder = lock(this.words);
    if (holder === 0) return;
    const holders = this.holders();
    throw busy(
      `the herd's lock has been held by thread ${holder - 1} for ${MAIN_THREAD_PATIENCE_MS} ms;`,
      holders,
      `. If that thread was terminated, its lock is freed once its end is seen (the runtime calls herd.releaseThread(${holder - 1})): try again from a later task`,
    );
  }

  /** Slot `i`'s state in generation `gen` (a slot of another generation is EMPTY). */
  private stateOf(i: number, gen: number): number {
    const w = this.words;
    return Atomics.load(w, slotWord(i, S_GEN)) === gen ? Atomics.load(w, slotWord(i, S_STATE)) : EMPTY;
  }

  /** Every slot is leased: say by whom, and call a leak a leak. */
  private allLeased(caller: number): HerdBusyError {
    const holders = this.holders();
    const mine = holders.get(caller) ?? 0;
    const advice =
      mine > this.maxMembers / 2
        ? `: thread ${caller} (this one) holds ${mine} of them. A member leased per item and never released? Release each (member.release(), herd.scoped(fn)), or lease one per piece of work (mapInit, forEachInit)`
        : `: release members, or raise the herd's maxMembers (${this.maxMembers}) if this many must be leased at once`;
    return busy(`all ${this.maxMembers} member slots are leased,`, holders, advice);
  }
}

/** A `HerdBusyError` that names the threads holding leases, and how many each holds. */
function busy(what: string, holders: Map<number, number>, advice: string): HerdBusyError {
  let leased = 0;
  const names: string[] = [];
  for (const [owner, count] of [...holders].sort((a, b) => b[1] - a[1])) {
    leased += count;
    names.push(`thread ${owner}${owner === 0 ? ' (a main thread)' : ''}: ${count}`);
  }
  const who = names.length === 0 ? '' : ` (${names.join(', ')})`;
  return new HerdBusyError(
    `${what} ${leased} member${leased === 1 ? ' is' : 's are'} leased${who}${advice}`,
    leased,
    holders,
  );
}
