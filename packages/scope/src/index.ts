/**
 * Scoped threads, channels and sync primitives over shared memory.
 *
 * @packageDocumentation
 * @module @herd/scope
 */
export { herdClass } from '@herd/shared';
export type { BarrierWaitResult } from './barrier.js';
export { Barrier } from './barrier.js';
export type { RecvOptions } from './channel-checks.js';
export type { NumberArray } from './channel-core.js';
export type { WaitTimeoutResult } from './condvar.js';
export { Condvar } from './condvar.js';
export type { SharedEnd } from './end-ownership.js';
export {
  AbortError,
  BrokenBarrierError,
  BrokenWaitGroupError,
  ChannelClosedError,
  PoisonError,
  ThreadError,
  TimeoutError,
} from './errors.js';
export { JoinHandle } from './join-handle.js';
export type { LockAsyncOptions, LockOptions } from './mutex.js';
export { Mutex } from './mutex.js';
export { MutexGuard } from './mutex-guard.js';
export { Receiver } from './receiver.js';
export type { ModuleTask } from './runtime/task-codec.js';
export type { Scope, ScopeOptions } from './scope.js';
export { scope } from './scope.js';
export { Sender } from './sender.js';
export { channel, DEFAULT_CHANNEL_CAPACITY, syncChannel } from './sync-channel.js';
export type { WaitAsyncOptions, WaitOptions } from './sync-checks.js';
export type { SharedSync } from './sync-crossing.js';
export { liveThreads } from './thread.js';
export { WaitGroup } from './wait-group.js';
export { endIdleThreads, idleThreads } from './warm-threads.js';
