/**
 * The thread runtime: the contract between Herd's packages (how `@herd/rayon-lite` starts and talks to its threads). Semver applies to it as to the main entry, but an application rarely needs it.
 *
 * @packageDocumentation
 * @module @herd/scope/runtime
 */

export type { ThreadContext } from '@herd/shared';
export {
  currentThreadId,
  endTask,
  isMainThread,
  offTaskEnd,
  onTaskEnd,
  THREAD_CONTEXT,
} from '@herd/shared';
export type { Crossable, Crossing } from './crossing.js';
export { CROSSING, isCrossable } from './crossing.js';
export type { ErrorWire } from './error-codec.js';
export { decodeError, encodeError } from './error-codec.js';
export { explainError } from './explain-error.js';
export type {
  Platform,
  PlatformWorker,
  StartOptions,
  ThreadPort,
  WorkerEntry,
  WorkerEvents,
} from './platform.js';
export { platform } from './platform-node.js';
export type { JobOutcome, ThreadDeath } from './runtime-thread.js';
export { RuntimeThread } from './runtime-thread.js';
export type { ModuleTask, Task, TaskWire } from './task-codec.js';
export { encodeTask, loadTask } from './task-codec.js';
export type { JobContext, JobHandler, TaskPayload } from './thread-server.js';
export { serveThread } from './thread-server.js';
export { encodeValues, reviveValues } from './value-codec.js';
