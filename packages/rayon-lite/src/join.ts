import { type Crossing, encodeTask, encodeValues, type TaskWire } from '@herd/scope/runtime';
import { show } from '@herd/shared';
import { checkContext } from './check-context.js';
import { defaultPool } from './default-pool.js';
import { type CallOptions, execute, signalOf } from './execute.js';
import { POSTED, SHARED } from './job-memory.js';
import type { JoinJob } from './protocol.js';
import { checkTask, type Task } from './task.js';
import { ThreadPool } from './thread-pool.js';

/**
 * Options of `join()`.
 *
 * @example
 * ```ts
 * await join(() => 1, () => 2, undefined, { pool, signal: AbortSignal.timeout(5000) });
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
export async function join<A, B, C = undefined>(
  a: Task<(ctx: C) => A | Promise<A>>,
  b: Task<(ctx: C) => B | Promise<B>>,
  ctx?: C,
  options: JoinOptions = {},
): Promise<[A, B]> {
  checkTask(a, 'join(a)');
  checkTask(b, 'join(b)');
  checkContext(ctx, 'join(ctx)');
  const signal = signalOf(options, 'join');
  const pool = options.pool ?? defaultPool();
  if (!(pool instanceof ThreadPool)) {
    throw new TypeError(`join: options.pool must be a ThreadPool, got ${show(pool)}`);
  }
  let context: unknown[] | null = null;
  let crossings: Crossing[] = [];
  if (ctx !== undefined) ({ wire: context, crossings } = encodeValues([ctx]));
  const tasks: [TaskWire, TaskWire] = [encodeTask(a, 'join(a)'), encodeTask(b, 'join(b)')];
  const id = nextJoinId();
  const regions = Math.min(2, pool.numThreads);
  const job: JoinJob = { type: 'join', id, pieces: 2, regions, tasks, context, memory: null, slot: -1 };
  return execute(pool, job, regions, crossings, signal, ({ memory, posted }) => {
    const side = (k: number): unknown => {
      const state = Atomics.load(memory.states, k);
      if (state === SHARED) return memory.values[k];
      return state === POSTED ? posted.get(k) : undefined;
    };
    return [side(0) as A, side(1) as B];
  });
}

/** Join ids count down from -1 so they never meet the iterators' positive ids. */
let lastJoinId = 0;
function nextJoinId(): number {
  lastJoinId = lastJoinId <= Number.MIN_SAFE_INTEGER + 1 ? -1 : lastJoinId - 1;
  return lastJoinId;
}
