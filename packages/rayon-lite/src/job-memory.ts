/**
 * The shared memory of one call: the claim counter the workers take pieces from, the stop flag,
 * and one result slot per piece, so numeric results travel without structured clone.
 *
 * ```
 * Int32 words
 * [0] CLAIM   next piece to hand out (Atomics.add); CLOSED once the call stops
 * [1] STOP    1 once the call must stop: an error, an abort, a short-circuit result
 * [2] FOUND   any/all/findAny: 1 once the deciding item was found (compareExchange: one winner)
 * [3] unused  keeps the piece states 8-aligned
 * [4 .. 4+pieces)                 piece state: EMPTY | SHARED | POSTED
 * then, 8-aligned, Float64 [pieces]  piece value: the piece's number (sum, min, …) or its item
 *                                    count when a collect wrote its numbers to the output
 * ```
 */
export const CLAIM = 0;
export const STOP = 1;
export const FOUND = 2;
const HEADER_WORDS = 4;

/**
 * Written to CLAIM when the call stops. Workers that add to it afterwards get a piece number past
 * every real piece; the margin below 2^31 leaves room for any number of late claims.
 */
export const CLOSED = 0x40000000;

/** The piece ran and produced nothing (a min/max over no item) — or it never ran. */
export const EMPTY = 0;
/** The piece's result is in the shared value slot (or, for collect, in the shared output). */
export const SHARED = 1;
/** The piece's result came back in the worker's reply message. */
export const POSTED = 2;

/** The views a call and its workers share. */
export interface JobMemory {
  buffer: SharedArrayBuffer;
  control: Int32Array;
  states: Int32Array;
  values: Float64Array;
}

/** Bytes the memory of a call of `pieces` pieces takes. */
export function jobMemoryBytes(pieces: number): number {
  return valuesOffset(pieces) + pieces * 8;
}

function valuesOffset(pieces: number): number {
  return Math.ceil(((HEADER_WORDS + pieces) * 4) / 8) * 8;
}

/**
 * Maps the memory of a call of `pieces` pieces at `byteOffset` (8-aligned) of `buffer`; a new
 * buffer when none is given.
 *
 * @example
 * ```ts
 * const memory = jobMemory(16);
 * Atomics.add(memory.control, CLAIM, 1); // 0: the first piece
 * ```
 */
export function jobMemory(pieces: number, buffer?: SharedArrayBuffer, byteOffset = 0): JobMemory {
  const shared = buffer ?? new SharedArrayBuffer(jobMemoryBytes(pieces));
  return {
    buffer: shared,
    control: new Int32Array(shared, byteOffset, HEADER_WORDS),
    states: new Int32Array(shared, byteOffset + HEADER_WORDS * 4, pieces),
    values: new Float64Array(shared, byteOffset + valuesOffset(pieces), pieces),
  };
}

/** Stops a call: no piece is handed out any more, and running pieces see STOP between items. */
export function stopJob(control: Int32Array): void {
  Atomics.store(control, STOP, 1);
  Atomics.store(control, CLAIM, CLOSED);
}
