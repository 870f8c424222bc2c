import type { CallOptions } from './execute.js';
import { runJoin } from './join-job.js';
import { workersFor } from './pool-workers.js';
import type { Task } from './task.js';
import type { ThreadPool } from './thread-pool.js';

/**
 * Options of `join()`.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ numThreads: 2 });
 * await join(() => 1, () => 2, undefined, { pool, signal: AbortSignal.timeout(5000) }); // [1, 2]
 * await pool.close();
 * ```
 */
export interface JoinOptions extends CallOptions {
  /**
   * The pool to run on.
   * @defaultValue the shared default pool
   */
  pool?: ThreadPool;
}

/**
 * Runs `a(ctx)` and `b(ctx)` in parallel on two workers and resolves with both results, as
 * rayon's `join`. Both always run to the end; if either throws the call rejects with a
 * `JoinError` — `a`'s when both threw. A function may return a Promise; it is awaited.
 *
 * @param a - first function (or module task), called with `ctx`
 * @param b - second function (or module task), called with `ctx`
 * @param ctx - passed to both; crossables (a `Herd`) arrive live
 * @throws TypeError at once when `a` or `b` is not a function or module task, or when `ctx` or
 *   one of its properties is a channel end (`Sender`, `Receiver`)
 * @example
 * ```ts
 * const [evens, odds] = await join(
 *   ({ n }) => { let c = 0; for (let i = 0; i < n; i += 2) c++; return c; },
 *   ({ n }) => { let c = 0; for (let i = 1; i < n; i += 2) c++; return c; },
 *   { n: 1000 },
 * ); // [500, 500]
 * ```
 */
export function join<A, B, C = undefined>(
  a: Task<(ctx: C) => A | Promise<A>>,
  b: Task<(ctx: C) => B | Promise<B>>,
  ctx?: C,
  options: JoinOptions = {},
): Promise<[A, B]> {
  return runJoin(a, b, ctx, options, () => workersFor(options.pool, 'join'));
}
