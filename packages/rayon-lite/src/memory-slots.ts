// Job memories of a pool, carved from one SharedArrayBuffer that every worker received when it
// started. A call then posts a slot number instead of a new SharedArrayBuffer: posting a SAB and
// collecting it afterwards costs more than a tiny call's whole work. Calls with more pieces than
// a slot holds, or that find every slot taken, get a buffer of their own. The pool leases slots
// (`MemorySlots`); both sides map them (`slotViews`).
//
// ```
// buffer: [ slot 0 | slot 1 | … | slot SLOT_COUNT-1 ], each SLOT_BYTES, laid out by jobMemory()
// ```
import { type JobMemory, jobMemory, jobMemoryBytes, startCall } from './job-memory.js';

/** Pieces and regions a slot holds: the default split makes 8 pieces a thread, so 32 threads. */
export const SLOT_PIECES = 256;
const SLOT_REGIONS = 32;
const SLOT_COUNT = 32;
/** Bytes of one slot (a multiple of 8, so every slot starts 8-aligned). */
export const SLOT_BYTES = Math.ceil(jobMemoryBytes(SLOT_PIECES, SLOT_REGIONS) / 8) * 8;

/** Where a call's memory is, as the job message says it. */
export interface MemoryRef {
  /** The call's own buffer, or null for a slot of the pool's buffer. */
  memory: SharedArrayBuffer | null;
  slot: number;
}

/** A call's memory and how to hand it back. */
export interface MemoryLease {
  memory: JobMemory;
  ref: MemoryRef;
  release(): void;
}

/**
 * The views of every slot of `buffer`, made once (by the pool, and by each of its workers): a call
 * in a slot uses its first pieces and regions.
 */
export function slotViews(buffer: SharedArrayBuffer): JobMemory[] {
  return Array.from({ length: SLOT_COUNT }, (_, slot) =>
    jobMemory(SLOT_PIECES, SLOT_REGIONS, buffer, slot * SLOT_BYTES),
  );
}

export class MemorySlots {
  readonly buffer = new SharedArrayBuffer(SLOT_BYTES * SLOT_COUNT);
  readonly #views = slotViews(this.buffer);
  readonly #free: number[] = Array.from({ length: SLOT_COUNT }, (_, k) => SLOT_COUNT - 1 - k);

  /** Memory for a call of `pieces` pieces in `regions` regions, ready for it (`startCall`). */
  lease(pieces: number, regions: number): MemoryLease {
    const slot = pieces <= SLOT_PIECES && regions <= SLOT_REGIONS ? this.#free.pop() : undefined;
    if (slot === undefined) {
      const memory = jobMemory(pieces, regions);
      startCall(memory, pieces, regions);
      return { memory, ref: { memory: memory.buffer, slot: -1 }, release: () => {} };
    }
    const memory = this.#views[slot]!;
    startCall(memory, pieces, regions);
    let released = false;
    return {
      memory,
      ref: { memory: null, slot },
      release: () => {
        if (released) return;
        released = true;
        this.#free.push(slot);
      },
    };
  }
}
