export { Arena } from './arena.js';
export { Bump, type BumpOptions } from './bump.js';
export { AllocError } from './errors.js';
export { Memory, type Ptr } from './memory.js';
export {
  type ElementOf,
  isTypedArray,
  isTypedArrayConstructor,
  type TypedArray,
  type TypedArrayConstructor,
} from './typed-array.js';
