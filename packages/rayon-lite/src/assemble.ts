/**
 * Puts the per-piece results back together in piece order, so the answer is the one a
 * sequential run would give (for `reduce`, given an associative `op`).
 */
import { FOUND, type JobMemory, POSTED, SHARED } from './job-memory.js';
import { pieceStart } from './pieces.js';

/** What the workers left: the shared memory and the results they posted, by piece. */
export interface PieceResults {
  memory: JobMemory;
  posted: Map<number, unknown>;
  pieces: number;
}

/** Calls `visit` with each piece's result, in order, skipping pieces that produced nothing. */
export function forEachPieceResult(results: PieceResults, visit: (value: unknown) => void): void {
  const { states, values } = results.memory;
  for (let p = 0; p < results.pieces; p++) {
    const state = Atomics.load(states, p);
    if (state === SHARED) visit(values[p]);
    else if (state === POSTED) visit(results.posted.get(p));
  }
}

/**
 * The items of a collect, in order.
 *
 * @param output - the shared output numbers were written to (null when the pipeline has flatMap)
 */
export function assembleCollect(
  results: PieceResults,
  output: Float64Array | null,
  length: number,
): unknown[] {
  const { states, values } = results.memory;
  const items: unknown[] = [];
  for (let p = 0; p < results.pieces; p++) {
    const state = Atomics.load(states, p);
    if (state === SHARED && output !== null) {
      const base = pieceStart(p, length, results.pieces);
      const end = base + values[p]!;
      for (let i = base; i < end; i++) items.push(output[i]);
    } else if (state === POSTED) {
      for (const item of results.posted.get(p) as unknown[]) items.push(item);
    }
  }
  return items;
}

/** Sum of the pieces' sums (or counts). */
export function assembleSum(results: PieceResults): number {
  let total = 0;
  forEachPieceResult(results, (value) => {
    total += value as number;
  });
  return total;
}

/** The first minimum (`<`) or the last maximum (`>=`) over the pieces, as `Iterator::min/max`. */
export function assembleExtreme(results: PieceResults, isMax: boolean): unknown {
  let has = false;
  let best: any;
  forEachPieceResult(results, (value: any) => {
    if (!has) {
      has = true;
      best = value;
    } else if (isMax ? value >= best : value < best) {
      best = value;
    }
  });
  return best;
}

/** Whether a short-circuit terminal found its deciding item. */
export function wasFound(results: PieceResults): boolean {
  return Atomics.load(results.memory.control, FOUND) === 1;
}

/** The item `findAny` recorded (only the first finder records one). */
export function assembleFound(results: PieceResults): unknown {
  let found: unknown;
  forEachPieceResult(results, (value) => {
    found = value;
  });
  return found;
}
