/**
 * How many pieces a worker thread gets by default. More pieces balance uneven work better (a
 * thread that finishes early claims another); fewer cost less bookkeeping. Eight keeps the tail
 * short without making a `mapInit` state per handful of items.
 */
const PIECES_PER_THREAD = 8;

/** Bounds set by `withMinLen`/`withMaxLen`. */
export interface PieceBounds {
  minLen: number;
  maxLen: number;
}

/** The split of `length` items into equal pieces (the last one may be shorter). */
export interface Split {
  pieceLength: number;
  pieces: number;
}

/**
 * Splits a source of `length` items for `threads` workers. When the bounds conflict the minimum
 * wins, as in rayon (`with_min_len` is applied last).
 *
 * @example
 * ```ts
 * splitIntoPieces(100, 2, { minLen: 1, maxLen: Infinity }); // { pieceLength: 7, pieces: 15 }
 * ```
 */
export function splitIntoPieces(length: number, threads: number, bounds: PieceBounds): Split {
  if (length === 0) return { pieceLength: 1, pieces: 0 };
  let pieceLength = Math.ceil(length / (threads * PIECES_PER_THREAD));
  pieceLength = Math.min(pieceLength, bounds.maxLen);
  pieceLength = Math.max(pieceLength, bounds.minLen, 1);
  pieceLength = Math.min(pieceLength, length);
  return { pieceLength, pieces: Math.ceil(length / pieceLength) };
}
