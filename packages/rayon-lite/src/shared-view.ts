// A typed array over shared memory as it travels in a job: its buffer and where it lies, remade
// into a view in the worker. Node 20 posts a view of a SharedArrayBuffer of 4 GiB or more as a
// view of length 0 (so a source or output of 2^29 numbers arrived empty); the buffer itself
// arrives whole. The pool takes views apart (`toSharedView`), workers remake them.
import type { TypedArray } from '@herd/shared';

/** A built-in typed array constructor; what it makes copies any array of its own kind (`set`). */
type BuiltInConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset?: number,
  length?: number,
) => TypedArray & { set(array: ArrayLike<unknown>): void };

/** A typed array over shared memory, in parts. */
export interface SharedView {
  buffer: SharedArrayBuffer;
  byteOffset: number;
  length: number;
  /** The built-in kind, e.g. `'Float64Array'`. */
  kind: string;
}

/** %TypedArray%.prototype[Symbol.toStringTag]: reads the array's built-in kind from its internal slot. */
const typedArrayName = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)!.get as (this: TypedArray) => string;

/**
 * The built-in constructor behind a typed array, even of a subclass: a `Buffer` copies into a
 * `Uint8Array` (`new Buffer(sab)` is deprecated, DEP0005), and a subclass's own constructor may
 * not take a buffer at all. Asked of the internal slot, so a subclass's own `Symbol.toStringTag`
 * or `constructor` cannot mislead it, and an array from another realm gets this realm's constructor.
 */
export function builtInConstructor(array: TypedArray): BuiltInConstructor {
  return (globalThis as unknown as Record<string, BuiltInConstructor>)[typedArrayName.call(array)]!;
}

/** The parts of `array`, a typed array over a SharedArrayBuffer. */
export function toSharedView(array: TypedArray): SharedView {
  return {
    buffer: array.buffer as SharedArrayBuffer,
    byteOffset: array.byteOffset,
    length: array.length,
    kind: typedArrayName.call(array),
  };
}

/** The view `toSharedView` took apart. */
export function fromSharedView(view: SharedView): TypedArray {
  const Ctor = (globalThis as unknown as Record<string, BuiltInConstructor>)[view.kind]!;
  return new Ctor(view.buffer, view.byteOffset, view.length);
}
