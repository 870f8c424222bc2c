import { ThreadPool } from './thread-pool.js';

let shared: ThreadPool | undefined;

/**
 * The pool that `par()` and `join()` use without `{ pool }`: `os.availableParallelism()` threads,
 * made at first use. Its workers are unref'd while idle, so it never keeps the process alive.
 */
export function defaultPool(): ThreadPool {
  shared ??= new ThreadPool();
  return shared;
}
