// Which workers a call runs on. A `ThreadPool` is the façade users hold; the internals need only
// the `WorkerSet` behind it, found here, so they never import the façade (which builds on them).
import { show } from '@herd/shared';
import { defaultThreadCount, WorkerSet } from './worker-set.js';

const byPool = new WeakMap<object, WorkerSet>();
let theDefault: WorkerSet | undefined;

/** Ties a new `ThreadPool` to the workers behind it. */
export function attachWorkers(pool: object, workers: WorkerSet): void {
  byPool.set(pool, workers);
}

/**
 * The workers behind `pool`.
 *
 * @param where - the function as the user knows it, e.g. `'par'`
 * @throws TypeError when `pool` is not a ThreadPool
 */
export function workersOf(pool: unknown, where: string): WorkerSet {
  const workers = typeof pool === 'object' && pool !== null ? byPool.get(pool) : undefined;
  if (workers === undefined) {
    throw new TypeError(`${where}: options.pool must be a ThreadPool, got ${show(pool)}`);
  }
  return workers;
}

/**
 * The workers of the pool that calls without `{ pool }` use: `os.availableParallelism()` threads,
 * started at first use. They are unref'd while idle, so they never keep the process alive.
 */
export function defaultWorkers(): WorkerSet {
  theDefault ??= new WorkerSet(defaultThreadCount(), {});
  return theDefault;
}

/** The workers behind `pool`, or the default pool's when it is undefined or null. */
export function workersFor(pool: unknown, where: string): WorkerSet {
  return pool === undefined || pool === null ? defaultWorkers() : workersOf(pool, where);
}
