import type { TypedArray, TypedArrayConstructor } from '@herd/shared';
import { show } from '@herd/shared';
import { createUtf8Codec, type Utf8Codec } from './utf8.js';
import { checkCtor, checkSize } from './validate.js';

/**
 * A byte offset into an arena's memory. `0` is never a valid allocation, so it can serve as null.
 *
 * @example
 * ```ts
 * const p: Ptr = bump.alloc(8);
 * bump.memory.f64[p >>> 3] = 2.5;
 * ```
 */
export type Ptr = number;

/**
 * An arena's memory: its buffer with a cached fixed-length view of every kind, and helpers to
 * read what was allocated. Keep the `Memory`, not a view taken from it: when a local arena grows,
 * its views are replaced in place (`const m = bump.memory; m.f64[p >>> 3]`). A herd's memory never
 * grows, so its views never go stale.
 *
 * @example
 * ```ts
 * const bump = new Bump();
 * const m = bump.memory;
 * const p = bump.alloc(16);
 * m.f64[p >>> 3] = 1.5;
 * m.u32[(p >>> 2) + 2] = 7;
 * ```
 */
export class Memory {
  /** The buffer all views share. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  // The views are replaced by `refresh()` (through `Views`), never by users: readonly to them.
  declare readonly u8: Uint8Array;
  declare readonly i8: Int8Array;
  declare readonly u16: Uint16Array;
  declare readonly i16: Int16Array;
  declare readonly u32: Uint32Array;
  declare readonly i32: Int32Array;
  declare readonly f32: Float32Array;
  declare readonly f64: Float64Array;
  declare readonly u64: BigUint64Array;
  declare readonly i64: BigInt64Array;
  declare readonly dv: DataView;
  declare private codec: Utf8Codec;

  /**
   * @param buffer - the `ArrayBuffer` or `SharedArrayBuffer` to view
   * @throws {TypeError} when `buffer` is neither
   */
  constructor(buffer: ArrayBuffer | SharedArrayBuffer) {
    if (!isBuffer(buffer)) {
      throw new TypeError(`buffer must be an ArrayBuffer or a SharedArrayBuffer, got ${show(buffer)}`);
    }
    this.buffer = buffer;
    this.refresh();
  }

  /**
   * Re-makes the views over the buffer's current length, for a resizable buffer that was resized.
   * Arenas call it after they grow their buffer. The views are fixed-length because a
   * length-tracking view of a growable buffer is many times slower to index on Node 20.
   *
   * @example
   * ```ts
   * const buffer = new ArrayBuffer(64, { maxByteLength: 1024 });
   * const memory = new Memory(buffer);
   * buffer.resize(128);
   * memory.refresh();
   * memory.u8.length; // 128
   * ```
   */
  refresh(): void {
    const b = this.buffer;
    const n = b.byteLength;
    const views = this as Views;
    views.u8 = new Uint8Array(b, 0, n);
    views.i8 = new Int8Array(b, 0, n);
    // Division, not `>>>`: a 4 GiB buffer's length is 2^32, which a shift would turn into 0.
    const n2 = Math.floor(n / 2);
    const n4 = Math.floor(n / 4);
    const n8 = Math.floor(n / 8);
    views.u16 = new Uint16Array(b, 0, n2);
    views.i16 = new Int16Array(b, 0, n2);
    views.u32 = new Uint32Array(b, 0, n4);
    views.i32 = new Int32Array(b, 0, n4);
    views.f32 = new Float32Array(b, 0, n4);
    views.f64 = new Float64Array(b, 0, n8);
    views.u64 = new BigUint64Array(b, 0, n8);
    views.i64 = new BigInt64Array(b, 0, n8);
    views.dv = new DataView(b, 0, n);
    this.codec = createUtf8Codec(this.u8);
  }

  /**
   * Reads the string that `allocStr` stored at `ptr` (a u32 byte length, then UTF-8).
   *
   * @throws {TypeError} when `ptr` is not a number
   * @throws {RangeError} when `ptr` is 0 (the null Ptr), not a 4-aligned integer inside the memory,
   *   or the length stored there runs past the memory
   * @example
   * ```ts
   * const p = bump.allocStr('héllo');
   * bump.memory.str(p); // 'héllo'
   * ```
   */
  str(ptr: Ptr): string {
    if (!isStrPtr(ptr, this.u8.length)) throw badStrPtr(ptr, this.u8.length);
    const length = this.u32[ptr >>> 2]!;
    if (ptr + 4 + length > this.u8.length) {
      throw new RangeError(
        `ptr ${ptr} does not point at a string: its length ${length} runs past the memory`,
      );
    }
    return this.codec.read(ptr + 4, length);
  }

  /**
   * @internal Called by the `struct` getters before they read `bytes` bytes at `ptr`. It does
   * nothing here, and V8 inlines it to nothing; `DebugMemory` overrides it to refuse memory that
   * `reset()` poisoned. A method rather than a flag so that the non-debug path pays nothing.
   */
  checkRead(_ptr: Ptr, _bytes: number): void {}

  /**
   * The UTF-8 byte length of the string `allocStr` stored at `ptr`, without decoding it.
   *
   * @example
   * ```ts
   * bump.memory.strByteLength(bump.allocStr('é')); // 2
   * ```
   */
  strByteLength(ptr: Ptr): number {
    if (!isStrPtr(ptr, this.u8.length)) throw badStrPtr(ptr, this.u8.length);
    return this.u32[ptr >>> 2]!;
  }

  /**
   * @internal Writes `s`'s UTF-8 at `at` and returns the bytes written: exactly as many as
   * `TextEncoder` would make, lone surrogates as U+FFFD. `at` needs room for those bytes only.
   */
  writeUtf8(s: string, at: number): number {
    return this.codec.write(s, at);
  }

  /**
   * A `Uint8Array` over `length` bytes at `ptr` (a view, not a copy).
   *
   * @example
   * ```ts
   * const bytes = bump.memory.bytes(p, 16);
   * ```
   */
  bytes(ptr: Ptr, length: number): Uint8Array {
    checkRange(ptr, length, 1, this.u8.length);
    return new Uint8Array(this.buffer, ptr, length);
  }

  /**
   * A view of `length` elements of kind `Ctor` at `ptr`, which must be aligned to the element size.
   *
   * @example
   * ```ts
   * const xs = bump.memory.view(Float64Array, p, 4);
   * ```
   */
  view<T extends TypedArray>(Ctor: TypedArrayConstructor<T>, ptr: Ptr, length: number): T {
    const ctor = checkCtor<T>(Ctor);
    checkRange(ptr, length, ctor.BYTES_PER_ELEMENT, this.u8.length);
    if (ptr % ctor.BYTES_PER_ELEMENT !== 0) {
      throw new RangeError(
        `ptr ${ptr} is not aligned to ${ctor.BYTES_PER_ELEMENT} bytes as ${ctor.name} needs`,
      );
    }
    return new ctor(this.buffer, ptr, length);
  }
}

/** A `Memory` as `refresh()` sees it: its views writable. */
type Views = { -readonly [K in keyof Memory]: Memory[K] };

function isBuffer(value: unknown): value is ArrayBuffer | SharedArrayBuffer {
  // By tag rather than instanceof, so a buffer from another realm (a vm context, an iframe) passes.
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

/**
 * Whether `ptr` can be the Ptr of a string `allocStr` stored in `size` bytes: a 4-aligned u32,
 * not the null Ptr, with room for the length. Small enough for V8 to inline into `str`.
 */
function isStrPtr(ptr: unknown, size: number): ptr is Ptr {
  return typeof ptr === 'number' && ptr >>> 0 === ptr && (ptr & 3) === 0 && ptr !== 0 && ptr + 4 <= size;
}

/** Why `ptr` cannot be the Ptr of a string `allocStr` stored. */
function badStrPtr(ptr: unknown, size: number): Error {
  if (ptr === 0) return new RangeError('ptr is 0, the null Ptr: it points at no string');
  if (typeof ptr === 'number' && ptr >>> 0 === ptr && (ptr & 3) !== 0) {
    return new RangeError(`ptr ${ptr} is not a string's Ptr: allocStr returns 4-aligned Ptrs`);
  }
  return badPtr(ptr, 'ptr', size);
}

function badPtr(ptr: unknown, name: string, size: number): Error {
  if (typeof ptr !== 'number') return new TypeError(`${name} must be a number (a Ptr), got ${show(ptr)}`);
  return new RangeError(`${name} ${show(ptr)} is not a valid Ptr into ${size} bytes of memory`);
}

function checkRange(ptr: unknown, length: unknown, bytesPerElement: number, size: number): void {
  if (typeof ptr !== 'number' || !Number.isInteger(ptr) || ptr < 0 || ptr > size)
    throw badPtr(ptr, 'ptr', size);
  checkSize(length, 'length', size);
  if (ptr + (length as number) * bytesPerElement > size) {
    throw new RangeError(
      `ptr ${ptr} + length ${length as number} runs past the end of the memory (${size} bytes)`,
    );
  }
}
