export type { Crossable, Crossing } from './crossing.js';
export { CROSSING, isCrossable } from './crossing.js';
export type { ErrorWire } from './error-codec.js';
export { decodeError, encodeError } from './error-codec.js';
export { explainError } from './explain-error.js';
export type { Task, TaskWire } from './task-codec.js';
export { encodeTask, loadTask } from './task-codec.js';
export type { ThreadContext } from './thread-context.js';
export {
  currentThreadId,
  endTask,
  isMainThread,
  offTaskEnd,
  onTaskEnd,
  THREAD_CONTEXT,
} from './thread-context.js';
export { encodeValues, reviveValues } from './value-codec.js';
export { workerExecArgv } from './worker-exec-argv.js';
