// The shared memory of one call: the stop flag, where each region's pieces are handed out, and
// one result slot per piece, so numeric results travel without structured clone.
//
// ```
// Int32 words
// [0] STOP       1 once the call must stop: an error, an abort, a short-circuit result
// [1] FOUND      any/all/findAny/positionAny: 1 once the deciding item was found (compareExchange: one winner)
//                findFirst/findLast/positionFirst: the rank of the best piece with a match (0: none)
// [2] NEXT_HOME  the next region a worker joining the call starts in (Atomics.add)
// [3] unused
// [4 .. 4+regions)      region r: its next piece to hand out (Atomics.add); the region ends where
//                       region r+1 begins (pieces.ts), so a piece number past it means "none left"
// then [pieces]         piece state: EMPTY | SHARED | POSTED
// then, 8-aligned, Float64 [pieces]  piece value: the piece's number (sum, min, …) or its item
//                                    count when a collect wrote its numbers to the output
// ```
//
// Both sides use it: the calling thread readies it (`startCall`) and reads the results; workers
// claim pieces (worker/piece-claims.ts) and write results.
import { pieceStart } from './pieces.js';

export const STOP = 0;
export const FOUND = 1;
export const NEXT_HOME = 2;
const HEADER_WORDS = 4;

/** The piece ran and produced nothing (a min/max over no item) — or it never ran. */
export const EMPTY = 0;
/** The piece's result is in the shared value slot (or, for collect, in the shared output). */
export const SHARED = 1;
/** The piece's result came back in the worker's reply message. */
export const POSTED = 2;

/**
 * The views a call and its workers share. A slot of a pool's memory (memory-slots.ts) is laid out
 * for the most pieces and regions it holds, and a call uses the first `pieces` and `regions` of
 * it, so one set of views serves every call in that slot.
 */
export interface JobMemory {
  buffer: SharedArrayBuffer;
  control: Int32Array;
  /** Region r's next piece. */
  fronts: Int32Array;
  states: Int32Array;
  values: Float64Array;
}

/** Bytes the memory of a call of `pieces` pieces in `regions` regions takes. */
export function jobMemoryBytes(pieces: number, regions: number): number {
  return valuesOffset(pieces, regions) + pieces * 8;
}

function valuesOffset(pieces: number, regions: number): number {
  return Math.ceil(((HEADER_WORDS + regions + pieces) * 4) / 8) * 8;
}

/**
 * Maps the memory of a call of `pieces` pieces in `regions` regions at `byteOffset` (8-aligned)
 * of `buffer`; a new buffer when none is given.
 *
 * @example
 * ```ts
 * const memory = jobMemory(16, 2);
 * Atomics.add(memory.fronts, 0, 1); // 0: the first piece of region 0
 * ```
 */
export function jobMemory(
  pieces: number,
  regions: number,
  buffer?: SharedArrayBuffer,
  byteOffset = 0,
): JobMemory {
  const shared = buffer ?? new SharedArrayBuffer(jobMemoryBytes(pieces, regions));
  return {
    buffer: shared,
    control: new Int32Array(shared, byteOffset, HEADER_WORDS),
    fronts: new Int32Array(shared, byteOffset + HEADER_WORDS * 4, regions),
    states: new Int32Array(shared, byteOffset + (HEADER_WORDS + regions) * 4, pieces),
    values: new Float64Array(shared, byteOffset + valuesOffset(pieces, regions), pieces),
  };
}

/** Stops a call: running pieces see STOP between blocks of items, and no piece starts after it. */
export function stopJob(control: Int32Array): void {
  Atomics.store(control, STOP, 1);
}

/**
 * Readies the memory for a call of `pieces` pieces in `regions` regions: clears the control words
 * and piece states, and sets each region's next piece to its first. Done once by the calling
 * thread before any worker sees the memory.
 */
export function startCall(memory: JobMemory, pieces: number, regions: number): void {
  const { control, fronts, states } = memory;
  control.fill(0);
  states.fill(0, 0, pieces);
  for (let r = 0; r < regions; r++) fronts[r] = pieceStart(r, pieces, regions);
}
