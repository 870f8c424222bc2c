/**
 * Parallel iterators over a warm worker pool (after Rust's rayon).
 *
 * @packageDocumentation
 * @module @herd/rayon-lite
 */
export type { ModuleTask } from '@herd/scope';
export { AbortError, ItemError, JoinError, PoolClosedError, ThreadError } from './errors.js';
export type { CallOptions } from './execute.js';
export { type JoinOptions, join } from './join.js';
export { type ParOptions, par } from './par.js';
export { ParIter } from './par-iter.js';
export { parSort, parSortUnstable, type SortableArray, type SortOptions } from './par-sort.js';
export { Range, range } from './range.js';
export type { Task } from './task.js';
export { ThreadPool, type ThreadPoolOptions } from './thread-pool.js';
