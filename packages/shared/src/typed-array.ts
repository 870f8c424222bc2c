/**
 * Any of JavaScript's typed arrays.
 *
 * @example
 * ```ts
 * const xs: TypedArray = bump.memory.view(Float64Array, bump.alloc(32), 4);
 * ```
 */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * The constructor of a typed array kind, e.g. `Float64Array`.
 *
 * @example
 * ```ts
 * const Ctor: TypedArrayConstructor<Float64Array> = Float64Array;
 * const xs = bump.memory.view(Ctor, bump.alloc(8 * Ctor.BYTES_PER_ELEMENT), 8);
 * ```
 */
export interface TypedArrayConstructor<T extends TypedArray = TypedArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

/**
 * The element type of a typed array: `bigint` for the 64-bit integer kinds, else `number`.
 *
 * @example
 * ```ts
 * const a: ElementOf<Float64Array> = 1.5;
 * const b: ElementOf<BigUint64Array> = 1n;
 * ```
 */
export type ElementOf<T extends TypedArray> = T extends BigInt64Array | BigUint64Array ? bigint : number;

const constructors = new Set<unknown>([
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
]);
// Node 24 ships Float16Array; Node 20 does not.
const float16 = (globalThis as { Float16Array?: unknown }).Float16Array;
if (float16) constructors.add(float16);

/**
 * Whether `ctor` is one of the built-in typed array constructors.
 *
 * @example
 * ```ts
 * isTypedArrayConstructor(Float64Array); // true
 * isTypedArrayConstructor(DataView);     // false
 * ```
 */
export function isTypedArrayConstructor(ctor: unknown): ctor is TypedArrayConstructor {
  return constructors.has(ctor);
}

/**
 * Whether `value` is a typed array (not a DataView).
 *
 * @example
 * ```ts
 * isTypedArray(new Uint8Array(4));                // true
 * isTypedArray(new DataView(new ArrayBuffer(4))); // false
 * ```
 */
export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Whether the elements of arrays made by `ctor` are bigints. */
export function isBigIntKind(ctor: TypedArrayConstructor): boolean {
  return ctor === BigInt64Array || ctor === BigUint64Array;
}
