// How a source is cut for the workers, as rayon cuts it: into pieces of near-equal length (no two
// differ by more than one item, so none is shorter than `withMinLen` unless the whole input is),
// grouped into one region of consecutive pieces per thread. Each worker starts at the front of a
// region of its own, so a short-circuiting call (`findAny`, `any`, `all`) looks at every part of
// the source from the start, and takes pieces from the other regions once its own is done.
// The pool cuts (`splitIntoPieces`); both sides find where a piece starts (`pieceStart`).

/**
 * How many pieces a worker thread gets by default. More pieces balance uneven work better (a
 * thread that finishes early takes another); fewer cost less bookkeeping. Eight keeps the tail
 * short without making a `mapInit` state per handful of items.
 */
const PIECES_PER_THREAD = 8;

/** Bounds set by `withMinLen`/`withMaxLen`. */
export interface PieceBounds {
  minLen: number;
  maxLen: number;
}

/** The cut of `length` items: `pieces` near-equal pieces in `regions` regions. */
export interface Split {
  pieces: number;
  regions: number;
}

/**
 * Cuts a source of `length` items for `threads` workers. When the bounds conflict the minimum
 * wins, as in rayon (`with_min_len` is applied last).
 *
 * @example
 * ```ts
 * splitIntoPieces(100, 2, { minLen: 1, maxLen: Infinity }); // { pieces: 16, regions: 2 }
 * splitIntoPieces(100, 2, { minLen: 40, maxLen: Infinity }); // { pieces: 2, regions: 2 }
 * ```
 */
export function splitIntoPieces(length: number, threads: number, bounds: PieceBounds): Split {
  if (length === 0) return { pieces: 0, regions: 0 };
  const minLen = Math.max(1, bounds.minLen);
  const maxLen = Math.max(1, bounds.maxLen);
  let pieces = Math.max(threads * PIECES_PER_THREAD, Math.ceil(length / maxLen));
  pieces = Math.min(pieces, length, Math.max(1, Math.floor(length / minLen)));
  return { pieces, regions: Math.min(threads, pieces) };
}

/**
 * Where piece `p` of `pieces` starts in a source of `length` items (piece `pieces` starts at
 * `length`): the first `length % pieces` pieces hold one item more than the others.
 *
 * @example
 * ```ts
 * pieceStart(1, 10, 3); // 4: the pieces are [0, 4), [4, 7), [7, 10)
 * ```
 */
export function pieceStart(p: number, length: number, pieces: number): number {
  const base = Math.floor(length / pieces);
  return p * base + Math.min(p, length - base * pieces);
}
