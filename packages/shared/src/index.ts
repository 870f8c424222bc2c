export { errorClass, herdClass } from './herd-class.js';
export { show } from './show.js';
export {
  currentThreadId,
  endTask,
  isMainThread,
  offTaskEnd,
  onTaskEnd,
  THREAD_CONTEXT,
  type ThreadContext,
} from './thread-context.js';
export {
  type ElementOf,
  isBigIntKind,
  isTypedArray,
  isTypedArrayConstructor,
  type TypedArray,
  type TypedArrayConstructor,
} from './typed-array.js';
