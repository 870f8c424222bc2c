// Puts the per-piece results back together in piece order, so the answer is the one a
// sequential run would give (for `reduce`, given an associative `op`). Results that combine with
// the user's callback (`reduce`, `minBy`, …) are combined on the calling thread, with the errors
// a worker would have given.
import { encodeTask, loadTask } from '@herd/scope/runtime';
import { ItemError } from './errors.js';
import { FOUND, type JobMemory, POSTED, SHARED } from './job-memory.js';
import { pieceStart } from './pieces.js';
import { isThenable, notSyncError, type Task } from './task.js';

type Fn = (...args: any[]) => any;

/** What the workers left: the shared memory and the results they posted, by piece. */
export interface PieceResults {
  memory: JobMemory;
  posted: Map<number, unknown>;
  pieces: number;
  /** Units the pieces were cut from, and source items per unit (more than one after `chunks`). */
  units: number;
  unitPer: number;
}

/** Calls `visit` with each piece's result, in order, skipping pieces that produced nothing. */
export function forEachPieceResult(
  results: PieceResults,
  visit: (value: unknown, piece: number) => void,
): void {
  const { states, values } = results.memory;
  for (let p = 0; p < results.pieces; p++) {
    const state = Atomics.load(states, p);
    if (state === SHARED) visit(values[p], p);
    else if (state === POSTED) visit(results.posted.get(p), p);
  }
}

/**
 * The items of a collect, in order.
 *
 * @param output - the shared output numbers were written to (null when the pipeline has flatMap)
 */
export function assembleCollect(results: PieceResults, output: Float64Array | null): unknown[] {
  const { states, values } = results.memory;
  const items: unknown[] = [];
  for (let p = 0; p < results.pieces; p++) {
    const state = Atomics.load(states, p);
    if (state === SHARED && output !== null) {
      const base = pieceStart(p, results.units, results.pieces);
      const end = base + values[p]!;
      for (let i = base; i < end; i++) items.push(output[i]);
    } else if (state === POSTED) {
      for (const item of results.posted.get(p) as unknown[]) items.push(item);
    }
  }
  return items;
}

/**
 * The two sides of a partition, in order. A piece that saw only numbers wrote those that passed
 * up from its start and the others down from its end, and posted the two counts.
 */
export function assemblePartition(
  results: PieceResults,
  output: Float64Array | null,
): [unknown[], unknown[]] {
  const yes: unknown[] = [];
  const no: unknown[] = [];
  forEachPieceResult(results, (value, p) => {
    const [a, b] = value as [number, number] | [unknown[], unknown[]];
    if (typeof a === 'number') {
      const lo = pieceStart(p, results.units, results.pieces);
      const hi = pieceStart(p + 1, results.units, results.pieces);
      for (let i = lo; i < lo + a; i++) yes.push(output![i]);
      for (let i = hi - 1; i >= hi - (b as number); i--) no.push(output![i]);
    } else {
      for (const item of a) yes.push(item);
      for (const item of b as unknown[]) no.push(item);
    }
  });
  return [yes, no];
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

/** The item of the first minimum key (`<`) or the last maximum key (`>=`); pieces posted `[key, item]`. */
export function assembleByKey(results: PieceResults, isMax: boolean): unknown {
  let has = false;
  let bestKey: any;
  let best: unknown;
  forEachPieceResult(results, (value) => {
    const [key, item] = value as [any, unknown];
    if (!has || (isMax ? key >= bestKey : key < bestKey)) {
      has = true;
      bestKey = key;
      best = item;
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

/**
 * What the first (or last) piece that found a match recorded: each piece searched in order and
 * recorded its own first (or last) match, and every piece before (after) it ran to its end.
 */
export function assembleBest(results: PieceResults, last: boolean): unknown {
  let best: unknown;
  let has = false;
  forEachPieceResult(results, (value) => {
    if (last || !has) best = value;
    has = true;
  });
  return best;
}

/** A piece's result, and the first item of the piece (where an error combining it is reported). */
export interface PiecePartial {
  index: number;
  value: unknown;
}

/** The pieces' results in order, to be combined once the call's memory is released. */
export function piecePartials(results: PieceResults): PiecePartial[] {
  const partials: PiecePartial[] = [];
  forEachPieceResult(results, (value, piece) =>
    partials.push({ index: pieceStart(piece, results.units, results.pieces) * results.unitPer, value }),
  );
  return partials;
}

/**
 * Combines the pieces' results in order with the user's callback, on the calling thread:
 * `step(f, acc, next)` gives the new accumulator and the callback's own result. A throw becomes
 * an `ItemError` on the first item of the piece being combined in, as a worker reports one; a
 * thenable result, a TypeError.
 *
 * @returns undefined when no piece produced a result
 */
export async function combinePartials(
  partials: PiecePartial[],
  task: Task<Fn>,
  param: string,
  stage: string,
  step: (f: Fn, acc: unknown, next: unknown) => { acc: unknown; result: unknown },
): Promise<{ value: unknown } | undefined> {
  if (partials.length === 0) return undefined;
  let acc = partials[0]!.value;
  if (partials.length === 1) return { value: acc };
  const f = await localFunction(task, param);
  for (let k = 1; k < partials.length; k++) {
    const { index, value } = partials[k]!;
    let next: { acc: unknown; result: unknown };
    try {
      next = step(f, acc, value);
    } catch (error) {
      throw new ItemError(stage, index, error);
    }
    if (isThenable(next.result)) throw notSyncError(stage, index, next.result);
    acc = next.acc;
  }
  return { value: acc };
}

/**
 * A callback to run on the calling thread: the function itself, or a module task's export,
 * imported once.
 *
 * @example
 * ```ts
 * const op = await localFunction((a: number, b: number) => a + b, 'reduce(op)');
 * ```
 */
export async function localFunction(task: Task<Fn>, param: string): Promise<Fn> {
  if (typeof task === 'function') return task;
  return (await loadTask(encodeTask(task, param))) as Fn;
}
