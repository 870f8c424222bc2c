export { AbortError, ItemError, JoinError, PoolClosedError, ThreadError } from './errors.js';
export type { CallOptions } from './execute.js';
export { type JoinOptions, join } from './join.js';
export { type ParOptions, par } from './par.js';
export { ParIter } from './par-iter.js';
export { parSort, parSortUnstable, type SortableArray, type SortOptions } from './par-sort.js';
export { Range, range } from './range.js';
export type { ModuleTask, Task } from './task.js';
export { ThreadPool, type ThreadPoolOptions } from './thread-pool.js';
