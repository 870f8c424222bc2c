// Sorting a typed array in parallel, as rayon's `par_sort`: the array is cut into runs that the
// workers sort at once (TypedArray#sort: native code when there is no comparator), then pairs of
// sorted runs are merged, round after round, each merge cut into segments that workers write
// independently (worker/sort-code.ts). Runs and merges go back and forth between the array and a shared
// scratch array; the number of runs is chosen so that the last merge writes the array.

import { isTypedArray, show, type TypedArray } from '@herd/shared';
import { localFunction } from './assemble.js';
import { ItemError } from './errors.js';
import { checkCanStart, signalOf } from './execute.js';
import { launch } from './launch.js';
import type { AnyTask, TerminalSpec } from './plan.js';
import { workersFor } from './pool-workers.js';
import { Range } from './range.js';
import { builtInConstructor } from './shared-view.js';
import { checkTask, isThenable, notSyncError, type Task } from './task.js';
import type { ThreadPool } from './thread-pool.js';
import type { WorkerSet } from './worker-set.js';

/**
 * A typed array `parSort` sorts: any kind, over a SharedArrayBuffer (sorted in place by the
 * workers) or not (copied into shared memory and back).
 *
 * @example
 * ```ts
 * const values: SortableArray = new Float64Array(new SharedArrayBuffer(8 * 1024));
 * ```
 */
export type SortableArray = TypedArray;

/**
 * Options of `parSort` and `parSortUnstable`.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ numThreads: 2 });
 * const values = Float64Array.from({ length: 100_000 }, () => Math.random());
 * await parSort(values, undefined, { pool, signal: AbortSignal.timeout(10_000) });
 * await pool.close();
 * ```
 */
export interface SortOptions {
  /**
   * The pool to sort on.
   * @defaultValue the shared default pool
   */
  pool?: ThreadPool;
  /** Stops the sort; it rejects with `AbortError` and the array holds its items, in some order. */
  signal?: AbortSignal;
}

/** Below this length a sort runs on the calling thread: the calls would cost more than they save. */
const SEQUENTIAL_MAX = 1 << 14;
/** Shortest run worth a worker's while. */
const MIN_RUN = 1 << 12;
/** Merge segments per thread, so that a thread slowed by other work does not hold the round. */
const SEGMENTS_PER_THREAD = 4;

/**
 * Sorts a typed array in place, in parallel, and resolves with it. The sort is stable: items that
 * compare equal keep their order. Without `compare` the order is TypedArray#sort's (numeric; for
 * floats -0 before +0 and NaN last); `compare(a, b)` returns a negative number, zero or a
 * positive number, as for `Array.prototype.sort`, and must be synchronous and self-contained (a
 * module task is accepted too).
 *
 * An array over a SharedArrayBuffer is sorted in place by the workers; any other is copied into
 * shared memory and back. A sort that fails (a comparator that throws, an abort) leaves the array
 * holding its items in some order, none lost.
 *
 * @param array - any typed array but a DataView
 * @param compare - the order, as for `Array.prototype.sort`
 * @throws TypeError (a rejection) when `array` is not a typed array or `compare` not a function
 *   or module task; `ItemError` (stage `'parSort compare'`) when `compare` throws
 * @example
 * ```ts
 * const values = new Float64Array(new SharedArrayBuffer(8 * 10_000_000));
 * for (let i = 0; i < values.length; i++) values[i] = Math.random();
 * await parSort(values); // sorted in place by the workers
 * await parSort(values, (a, b) => b - a); // descending
 * ```
 */
export async function parSort<A extends SortableArray>(
  array: A,
  compare?: Task<(a: any, b: any) => number>,
  options?: SortOptions,
): Promise<A> {
  return sort(array, compare, options, 'parSort');
}

/**
 * Sorts a typed array in place, in parallel, where equal items may come in any order (rayon's
 * `par_sort_unstable`). It runs the same algorithm as `parSort`, which is as fast: for typed
 * arrays stability costs nothing here. See `parSort`.
 *
 * @example
 * ```ts
 * const ids = Int32Array.from({ length: 1_000_000 }, () => Math.random() * 1e9);
 * await parSortUnstable(ids); // copied into shared memory, sorted, copied back
 * ```
 */
export async function parSortUnstable<A extends SortableArray>(
  array: A,
  compare?: Task<(a: any, b: any) => number>,
  options?: SortOptions,
): Promise<A> {
  return sort(array, compare, options, 'parSortUnstable');
}

async function sort<A extends SortableArray>(
  array: A,
  compare: AnyTask | undefined,
  options: SortOptions | undefined,
  where: string,
): Promise<A> {
  if (!isTypedArray(array)) {
    throw new TypeError(`${where}(array): array must be a typed array, got ${show(array)}`);
  }
  if (compare !== undefined) checkTask(compare, `${where}(compare)`);
  const signal = signalOf(options, where);
  const workers = workersFor(options?.pool, where);
  checkCanStart(workers, signal);
  const n = array.length;
  if (n < 2) return array;
  if (n <= SEQUENTIAL_MAX) {
    await sortHere(array, compare);
    return array;
  }
  // Every kind is handled alike; one type keeps `set` between them simple.
  const data = array as unknown as Float64Array;
  const Ctor = builtInConstructor(array) as unknown as new (buffer: SharedArrayBuffer) => Float64Array;
  const shared = array.buffer instanceof SharedArrayBuffer;
  const scratch = new Ctor(new SharedArrayBuffer(array.byteLength));
  // The result ends in `target`: the array itself, or a shared copy of it.
  const target = shared ? data : new Ctor(new SharedArrayBuffer(array.byteLength));
  const runs = runCount(n, workers.size);
  const rounds = Math.ceil(Math.log2(runs));
  const runLength = Math.ceil(n / runs);
  // Runs are sorted in scratch when the rounds are odd, so the last round writes `target`; in
  // `target` otherwise. A shared array is never sorted in place: a worker stopped mid-sort must
  // not leave it half-written.
  let into = rounds % 2 === 1 ? scratch : target;
  let copy: Float64Array | null = data;
  if (!shared) {
    into.set(data);
    copy = null;
  } else if (into === target) {
    into = scratch;
  }
  const call = { workers, signal };
  await phase(
    { op: 'sortRuns', from: copy, to: into, runLength, compare: compare ?? null },
    runs,
    call,
    where,
  );
  let from = into;
  for (let width = runLength; width < n; width *= 2) {
    const to = from === scratch ? target : scratch;
    const pairs = Math.ceil(Math.ceil(n / width) / 2);
    const parts = Math.max(1, Math.ceil((workers.size * SEGMENTS_PER_THREAD) / pairs));
    try {
      await phase(
        { op: 'mergeRuns', from, to, width, parts, compare: compare ?? null },
        pairs * parts,
        call,
        where,
      );
    } catch (error) {
      // A round that stopped half-way through the array leaves it whole: the previous round's
      // result holds every item.
      if (to === data) data.set(from);
      throw error;
    }
    from = to;
  }
  // An even number of rounds from runs sorted in scratch (a shared array sorted on few threads).
  if (from !== target) target.set(from);
  if (!shared) data.set(target);
  return array;
}

/** How many runs: at least one per thread, and a count whose merge rounds end in the array. */
function runCount(n: number, threads: number): number {
  const most = Math.max(2, Math.floor(n / MIN_RUN));
  let runs = Math.max(2, threads);
  if (Math.ceil(Math.log2(runs)) % 2 === 0) runs *= 2;
  return Math.min(runs, most);
}

/** One phase: `items` runs or segments, each its own piece. */
async function phase(
  terminal: TerminalSpec,
  items: number,
  call: { workers: WorkerSet; signal: AbortSignal | undefined },
  where: string,
): Promise<void> {
  await launch(
    {
      workers: call.workers,
      source: new Range(0, items),
      stages: [],
      context: null,
      minLen: 1,
      maxLen: 1,
    },
    terminal,
    { signal: call.signal },
    where,
    () => undefined,
  );
}

/** A short array, sorted on the calling thread with TypedArray#sort (stable). */
async function sortHere(array: SortableArray, compare: AnyTask | undefined): Promise<void> {
  if (compare === undefined) {
    array.sort();
    return;
  }
  const f = await localFunction(compare, 'parSort(compare)');
  (array as Float64Array).sort((a, b) => {
    let result: unknown;
    try {
      result = f(a, b);
    } catch (error) {
      throw new ItemError('parSort compare', 0, error);
    }
    if (isThenable(result)) throw notSyncError('parSort compare', 0, result);
    return result as number;
  });
}
