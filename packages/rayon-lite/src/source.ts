/**
 * How a source reaches the workers. A range is two numbers; a typed array over a
 * SharedArrayBuffer is read in place; any other typed array, and a long array of numbers, is
 * copied once into shared memory (one memcpy or one pass, instead of one structured clone per
 * worker); other arrays are cloned to each worker taking part.
 */
import { describeValue } from './describe-value.js';
import type { SourceWire } from './protocol.js';
import { Range } from './range.js';

/** Below this length cloning an array costs less than checking and packing it. */
const PACK_MIN_LENGTH = 2048;

/** A source as `par()` accepts it. */
export type Source = Range | ArrayLike<unknown>;

type TypedArray = Exclude<ArrayBufferView, DataView> & ArrayLike<unknown>;

/** Fails at once when `par()` is given something it cannot iterate. */
export function checkSource(source: unknown): asserts source is Source {
  if (source instanceof Range || isTypedArray(source)) return;
  if (source !== null && typeof source === 'object') {
    const { length } = source as { length?: unknown };
    if (typeof length === 'number' && Number.isSafeInteger(length) && length >= 0) return;
  }
  throw new TypeError(
    `par: source must be a Range, an array, an array-like or a typed array, got ${describeValue(source)}`,
  );
}

/**
 * What to post for a source.
 *
 * @example
 * ```ts
 * encodeSource(range(5, 10)); // { kind: 'range', start: 5 }
 * ```
 */
export function encodeSource(source: Source): SourceWire {
  if (source instanceof Range) return { kind: 'range', start: source.start };
  if (isTypedArray(source)) {
    if (source.buffer instanceof SharedArrayBuffer) return { kind: 'shared', array: source };
    const Ctor = builtInConstructor(source);
    const copy = new Ctor(new SharedArrayBuffer(source.byteLength));
    copy.set(source);
    return { kind: 'shared', array: copy };
  }
  const array = Array.isArray(source) ? source : Array.from(source);
  if (array.length >= PACK_MIN_LENGTH) {
    const packed = packNumbers(array);
    if (packed !== null) return { kind: 'shared', array: packed };
  }
  return { kind: 'array', array };
}

type TypedArrayConstructor = new (
  buffer: SharedArrayBuffer,
) => TypedArray & { set(a: ArrayLike<unknown>): void };

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
function builtInConstructor(array: TypedArray): TypedArrayConstructor {
  return (globalThis as unknown as Record<string, TypedArrayConstructor>)[typedArrayName.call(array)]!;
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function packNumbers(array: unknown[]): Float64Array | null {
  for (let i = 0; i < array.length; i++) if (typeof array[i] !== 'number') return null;
  const packed = new Float64Array(new SharedArrayBuffer(array.length * 8));
  for (let i = 0; i < array.length; i++) packed[i] = array[i] as number;
  return packed;
}
