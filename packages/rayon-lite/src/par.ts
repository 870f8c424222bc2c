import { show } from '@herd/shared';
import { ParIter } from './par-iter.js';
import { planOver } from './plan.js';
import { workersOf } from './pool-workers.js';
import type { Range } from './range.js';
import { checkSource, type Source } from './source.js';
import type { ThreadPool } from './thread-pool.js';

/**
 * Options of `par()`.
 *
 * @example
 * ```ts
 * await par([1, 2, 3], { pool: new ThreadPool({ numThreads: 2 }) }).sum();
 * ```
 */
export interface ParOptions {
  /**
   * The pool to run on.
   * @defaultValue a shared pool of `os.availableParallelism()` threads, made at first use
   */
  pool?: ThreadPool;
}

/**
 * A parallel iterator over a range, an array (or array-like) or a typed array. A typed array over
 * a `SharedArrayBuffer` is read in place by the workers, not copied.
 *
 * @throws TypeError when `source` is none of these, or `options.pool` is not a ThreadPool
 * @example
 * ```ts
 * await par(range(0, 1_000_000)).map((i) => Math.sqrt(i)).sum();
 * await par(new Float64Array(new SharedArrayBuffer(8 * 1024))).max();
 * ```
 */
export function par(source: Range, options?: ParOptions): ParIter<number>;
export function par<T>(source: ArrayLike<T>, options?: ParOptions): ParIter<T>;
export function par(source: Source, options: ParOptions = {}): ParIter<any> {
  checkSource(source);
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`par: options must be an object, got ${show(options)}`);
  }
  // Without a pool, the default pool is started by the first terminal, not here.
  const workers = options.pool === undefined ? undefined : workersOf(options.pool, 'par');
  return ParIter.of(planOver(source, workers));
}
