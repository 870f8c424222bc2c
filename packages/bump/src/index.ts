/**
 * A bump arena: allocation in a few integer operations, freed all at once (after Rust's bumpalo).
 *
 * @packageDocumentation
 * @module @herd/bump
 */
export {
  type ElementOf,
  isTypedArray,
  isTypedArrayConstructor,
  type TypedArray,
  type TypedArrayConstructor,
} from '@herd/shared';
export { Arena } from './arena.js';
export { Bump, type BumpOptions } from './bump.js';
export { BumpString } from './bump-string.js';
export { BumpVec } from './bump-vec.js';
export { DebugMemory } from './debug-memory.js';
export { AllocError, UseAfterResetError } from './errors.js';
export { Memory, type Ptr } from './memory.js';
export {
  type FieldGetter,
  type FieldInput,
  type FieldKind,
  type FieldSetter,
  type Fields,
  type FieldValue,
  type Struct,
  struct,
} from './struct.js';
export { utf8Length } from './utf8.js';
