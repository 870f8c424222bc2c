import type { SHARE_ENV } from 'node:worker_threads';
import { show } from '@herd/shared';
import type { CallOptions } from './execute.js';
import { runJoin } from './join-job.js';
import { ParIter } from './par-iter.js';
import { planOver } from './plan.js';
import { attachWorkers } from './pool-workers.js';
import type { Range } from './range.js';
import { checkSource } from './source.js';
import type { Task } from './task.js';
import { defaultThreadCount, WorkerSet } from './worker-set.js';

/**
 * Options of `new ThreadPool()`.
 *
 * @example
 * ```ts
 * const options: ThreadPoolOptions = { numThreads: 4 };
 * ```
 */
export interface ThreadPoolOptions {
  /**
   * How many worker threads the pool keeps.
   * @defaultValue `os.availableParallelism()`
   */
  numThreads?: number;
  /**
   * Node options for the pool's threads, e.g. a loader for TypeScript module tasks
   * (worker_threads platforms).
   * @defaultValue the parent's
   */
  execArgv?: string[];
  /**
   * The threads' `process.env`, or `SHARE_ENV` (worker_threads platforms).
   * @defaultValue a copy of the parent's
   */
  env?: NodeJS.Dict<string> | typeof SHARE_ENV;
}

/** Most threads a pool may have: far past any machine's parallelism, short of exhausting memory. */
const MAX_THREADS = 1024;

/**
 * A set of warm worker threads that parallel iterators and `join` run on. Its workers never keep
 * the process alive on their own: they are unref'd while idle and ref'd while a call is pending,
 * so an awaited call always finishes. `par()`, `join()` and `parSort()` without a pool use a
 * default pool of `os.availableParallelism()` threads, made at first use.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ numThreads: 2 });
 * const total = await pool.par(range(0, 1_000_000)).map((i) => i % 7).sum();
 * const [a, b] = await pool.join(() => 'left', () => 'right');
 * await pool.close();
 * ```
 */
export class ThreadPool {
  /** How many worker threads the pool keeps. */
  readonly numThreads: number;

  // The threads themselves: calls run on them, and pool-workers.ts finds them from this façade.
  readonly #workers: WorkerSet;

  /**
   * Starts the pool's workers.
   *
   * @throws TypeError when an option has the wrong type; RangeError when `numThreads` is not an
   *   integer from 1 to 1024
   */
  constructor(options: ThreadPoolOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`ThreadPool: options must be an object, got ${show(options)}`);
    }
    const { execArgv, env } = options;
    const numThreads = options.numThreads ?? defaultThreadCount();
    if (typeof numThreads !== 'number') {
      throw new TypeError(`ThreadPool: options.numThreads must be a number, got ${show(numThreads)}`);
    }
    if (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > MAX_THREADS) {
      throw new RangeError(
        `ThreadPool: options.numThreads must be an integer from 1 to ${MAX_THREADS}, got ${numThreads}`,
      );
    }
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) {
      throw new TypeError(`ThreadPool: options.execArgv must be an array of strings, got ${show(execArgv)}`);
    }
    if (env !== undefined && (env === null || (typeof env !== 'object' && typeof env !== 'symbol'))) {
      throw new TypeError(`ThreadPool: options.env must be an object or SHARE_ENV, got ${show(env)}`);
    }
    this.numThreads = numThreads;
    this.#workers = new WorkerSet(numThreads, { execArgv, env });
    attachWorkers(this, this.#workers);
  }

  /**
   * A parallel iterator over `source` that runs on this pool.
   *
   * @example
   * ```ts
   * await pool.par([3, 1, 2]).max(); // 3
   * ```
   */
  par(source: Range): ParIter<number>;
  par<T>(source: ArrayLike<T>): ParIter<T>;
  par(source: Range | ArrayLike<unknown>): ParIter<any> {
    checkSource(source);
    return ParIter.of(planOver(source, this.#workers));
  }

  /**
   * Runs `a(ctx)` and `b(ctx)` in parallel on this pool; see `join`.
   *
   * @example
   * ```ts
   * const [x, y] = await pool.join((n) => n + 1, (n) => n * 2, 10); // [11, 20]
   * ```
   */
  join<A, B, C = undefined>(
    a: Task<(ctx: C) => A | Promise<A>>,
    b: Task<(ctx: C) => B | Promise<B>>,
    ctx?: C,
    options: CallOptions = {},
  ): Promise<[A, B]> {
    return runJoin(a, b, ctx, { ...options }, () => this.#workers);
  }

  /**
   * Terminates the workers. Calls still running reject with `PoolClosedError`; later calls too.
   *
   * @example
   * ```ts
   * await pool.close();
   * ```
   */
  close(): Promise<void> {
    return this.#workers.close();
  }
}
