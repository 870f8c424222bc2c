import {
  type ElementOf,
  isBigIntKind,
  isTypedArrayConstructor,
  show,
  type TypedArray,
  type TypedArrayConstructor,
} from '@herd/shared';
import { AllocError } from './errors.js';
import type { Memory, Ptr } from './memory.js';
import { utf8Length } from './utf8.js';
import { checkAlign, checkCtor, checkLength, checkPtr, checkSize, checkTypedArray } from './validate.js';

/**
 * Flips the top bit: `pos ^ SIGN` maps byte offsets 0..2^32-1 onto the int32 range, in order. The
 * hot paths write the literal `-0x80000000` instead: the bundle makes module-level constants
 * `var`s, which V8 loads on every use instead of folding them.
 */
const SIGN = -0x80000000;

/**
 * The bump allocator, over whatever supplies its chunks. `Bump` feeds it chunks of a private
 * resizable `ArrayBuffer`; `@herd/herd`'s `Member` feeds it chunks carved from a shared one.
 * Every allocation method lives here, so both have all of them and share one hot path.
 *
 * Inside a chunk the arena bumps upward: the position rounds up to the alignment and moves past
 * the allocation. Upward (not bumpalo's downward) because then the newest allocation can grow in
 * place, which `BumpVec` relies on.
 *
 * The hot path is shaped by what V8 does with it (measured on Node 20, see the package README):
 * - The position and the chunk's end are kept as int32 with the top bit flipped (`pos ^ SIGN`),
 *   so that they are small integers (Smis) for every position up to 4 GiB, compare as signed
 *   integers, and never turn the fields or the arithmetic on them into doubles. With plain
 *   numbers, one arena past 2 GiB anywhere in the process made every arena's `alloc` ~2x slower.
 * - The loop-carried work of a run of allocations is load, add, compare, store of the position:
 *   rounding up to the alignment is a branch taken only when the position is not already aligned,
 *   not arithmetic on that chain.
 *
 * Subclasses supply the chunks: they implement `nextChunk`, `allocError` and `maxAllocation`, may
 * override `undoChunks`, and move the arena between chunks through the protected `pos`, `end`,
 * `chunkEpoch` and `dropChunk()`. Nothing of that is for callers: they see the allocation methods
 * and `memory`.
 *
 * @example
 * ```ts
 * // Arena is the shared base: use Bump, or a herd Member.
 * const bump: Arena = new Bump();
 * const p = bump.alloc(16);
 * ```
 */
export abstract class Arena {
  /** The memory every Ptr of this arena points into. */
  readonly memory: Memory;
  /** Next free byte in the current chunk, as `pos ^ SIGN` (see the class comment). */
  private biasedPos = NO_CHUNK_POS ^ SIGN;
  /** End of the current chunk, as `end ^ SIGN`. With no chunk, `pos > end` sends every call to the slow path. */
  private biasedEnd = 0 ^ SIGN;
  /**
   * Bumped by a subclass whenever it installs a new chunk, so that a fill that fails can tell
   * whether it must undo one (`undoChunks`).
   */
  protected chunkEpoch = 0;

  protected constructor(memory: Memory) {
    this.memory = memory;
  }

  /**
   * Bytes a new chunk needs so that `size` bytes at `align` surely fit in it: a multiple of 16,
   * since chunks start 16-aligned, and a larger alignment may need up to `align - 16` bytes of
   * padding before the allocation. Subclasses size their chunks with it.
   */
  protected static chunkBytesFor(size: number, align: number): number {
    return Math.ceil((size + (align > 16 ? align - 16 : 0)) / 16) * 16;
  }

  /** Next free byte in the current chunk, a byte offset. A subclass sets it with `end`. */
  protected get pos(): number {
    return (this.biasedPos ^ SIGN) >>> 0;
  }

  protected set pos(pos: number) {
    this.biasedPos = pos ^ SIGN;
  }

  /** End of the current chunk, a byte offset (0 with no chunk). */
  protected get end(): number {
    return (this.biasedEnd ^ SIGN) >>> 0;
  }

  protected set end(end: number) {
    this.biasedEnd = end ^ SIGN;
  }

  /**
   * Leaves the arena with no chunk: the next allocation takes the slow path, which asks
   * `nextChunk` for one. For a subclass that hands its chunk on (a herd member's release).
   */
  protected dropChunk(): void {
    this.pos = NO_CHUNK_POS;
    this.end = 0;
  }

  /**
   * Installs a chunk in which `size` bytes at `align` fit (16-aligned, at least
   * `chunkBytesFor(size, align)` bytes), setting `pos` and `end` and bumping `chunkEpoch`; returns
   * false when the limit or the reservation forbids one. Must leave the arena unchanged when it
   * fails.
   */
  protected abstract nextChunk(size: number, align: number): boolean;

  /** The error for an allocation that cannot be satisfied (no chunk could be installed). */
  protected abstract allocError(size: number, align: number): AllocError;

  /** The largest size one allocation may ask for. */
  protected abstract maxAllocation(): number;

  /**
   * Allocates `size` bytes aligned to `align` and returns their Ptr. The bytes are not zeroed.
   *
   * @param size - bytes, a non-negative integer
   * @param align - a power of two from 1 to 4096
   * @defaultValue align 8
   * @throws {AllocError} when the allocation limit or the reservation would be exceeded
   * @example
   * ```ts
   * const p = bump.alloc(16);          // room for two f64
   * bump.memory.f64[p >>> 3] = 1;
   * bump.memory.f64[(p >>> 3) + 1] = 2;
   * ```
   */
  alloc(size: number, align = 8): Ptr {
    if (typeof size === 'number' && (size | 0) === size && size >= 0 && (align === 8 || isAlign(align))) {
      const top = this.biasedPos;
      // Two branches, not a rounding step before one: a run of aligned allocations then carries
      // only load, add, compare and store of the position from one to the next.
      if ((top & (align - 1)) === 0) {
        // Not truncated: past int32, `next` exceeds any `biasedEnd` and the slow path takes over.
        const next = top + size;
        if (next <= this.biasedEnd) {
          this.biasedPos = next;
          return (top ^ -0x80000000) >>> 0;
        }
      } else {
        const aligned = (top + (align - 1)) & -align;
        const next = aligned + size;
        if (next <= this.biasedEnd) {
          this.biasedPos = next;
          return (aligned ^ -0x80000000) >>> 0;
        }
      }
    }
    // `>>> 0` tells V8 that every Ptr alloc returns is a u32, so checks on it downstream (a struct
    // accessor's) fold away.
    return this.allocSlow(size, align) >>> 0;
  }

  /**
   * Like `alloc`, but returns `null` instead of throwing when there is no room.
   *
   * @example
   * ```ts
   * const p = bump.tryAlloc(1 << 20);
   * if (p === null) console.log('over the limit');
   * ```
   */
  tryAlloc(size: number, align = 8): Ptr | null {
    if (typeof size === 'number' && (size | 0) === size && size >= 0 && (align === 8 || isAlign(align))) {
      const top = (this.biasedPos + (align - 1)) & -align;
      const next = top + size;
      if (next <= this.biasedEnd) {
        this.biasedPos = next;
        return (top ^ -0x80000000) >>> 0;
      }
    } else {
      this.validate(size, align);
    }
    const p = this.reserve(size, align);
    return p < 0 ? null : p;
  }

  /**
   * Allocates `size` bytes set to zero.
   *
   * @example
   * ```ts
   * const p = bump.allocZeroed(64);
   * ```
   */
  allocZeroed(size: number, align = 8): Ptr {
    const p = this.alloc(size, align);
    this.memory.u8.fill(0, p, p + size);
    return p;
  }

  /**
   * Stores `s` as a u32 byte length followed by its UTF-8, and returns one Ptr to both;
   * `memory.str(ptr)` reads it back. Lone surrogates are stored as U+FFFD, as TextEncoder does.
   *
   * @example
   * ```ts
   * const p = bump.allocStr('héllo');
   * bump.memory.str(p); // 'héllo'
   * ```
   */
  allocStr(s: string): Ptr {
    if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${show(s)}`);
    // Room for the worst case (3 bytes a UTF-16 unit) when the chunk has it, then give back the
    // rest; otherwise measure exactly, so the limit is honoured to the byte.
    const top = (this.biasedPos + 3) & -4;
    if (top + 4 + s.length * 3 <= this.biasedEnd) {
      const p = (top ^ -0x80000000) >>> 0;
      const m = this.memory;
      const written = m.writeUtf8(s, p + 4);
      m.u32[p >>> 2] = written;
      this.biasedPos = top + 4 + written;
      return p;
    }
    const exact = utf8Length(s);
    const q = this.alloc(4 + exact, 4);
    const m = this.memory;
    m.writeUtf8(s, q + 4);
    m.u32[q >>> 2] = exact;
    return q;
  }

  /**
   * Allocates a zeroed slice of `length` elements and returns a view of it.
   *
   * @example
   * ```ts
   * const xs = bump.allocSlice(Float64Array, 1000);
   * const ids = bump.allocSlice(BigUint64Array, 10);
   * ```
   */
  allocSlice<T extends TypedArray>(Ctor: TypedArrayConstructor<T>, length: number): T {
    const ctor = checkCtor<T>(Ctor);
    const bpe = ctor.BYTES_PER_ELEMENT;
    checkLength(length, 'length', bpe, this.maxAllocation());
    const p = this.alloc(length * bpe, bpe);
    this.memory.u8.fill(0, p, p + length * bpe);
    return new ctor(this.memory.buffer, p, length);
  }

  /**
   * Copies `src` into the arena and returns a view of the copy, of the same kind.
   *
   * @example
   * ```ts
   * const copy = bump.allocSliceCopy(new Float64Array([1, 2, 3]));
   * ```
   */
  allocSliceCopy<T extends TypedArray>(src: T): T {
    checkTypedArray(src, 'src');
    // The built-in kind, not `src.constructor`: a Node Buffer's constructor is Buffer, whose
    // three-argument form is deprecated.
    const ctor = baseConstructor(src) as TypedArrayConstructor<T>;
    const p = this.alloc(src.byteLength, ctor.BYTES_PER_ELEMENT);
    const view = new ctor(this.memory.buffer, p, src.length);
    (view as Uint8Array).set(src as unknown as Uint8Array);
    return view;
  }

  /**
   * Allocates a slice of `length` elements, each set to `value`.
   *
   * @example
   * ```ts
   * const ones = bump.allocSliceFill(Int32Array, 8, 1);
   * ```
   */
  allocSliceFill<T extends TypedArray>(
    Ctor: TypedArrayConstructor<T>,
    length: number,
    value: ElementOf<T>,
  ): T {
    const ctor = checkCtor<T>(Ctor);
    checkElement(ctor, value, 'value');
    const bpe = ctor.BYTES_PER_ELEMENT;
    checkLength(length, 'length', bpe, this.maxAllocation());
    const p = this.alloc(length * bpe, bpe);
    const view = new ctor(this.memory.buffer, p, length);
    (view as Uint8Array).fill(value as number);
    return view;
  }

  /**
   * Allocates a slice of `length` elements, element `i` set to `fill(i)`. If `fill` throws or
   * returns a value of the wrong type (a TypeError), the arena is left as it was before the call.
   *
   * @example
   * ```ts
   * const squares = bump.allocSliceFillWith(Float64Array, 10, (i) => i * i);
   * ```
   */
  allocSliceFillWith<T extends TypedArray>(
    Ctor: TypedArrayConstructor<T>,
    length: number,
    fill: (index: number) => ElementOf<T>,
  ): T {
    const ctor = checkCtor<T>(Ctor);
    if (typeof fill !== 'function') throw new TypeError(`fill must be a function, got ${show(fill)}`);
    const bpe = ctor.BYTES_PER_ELEMENT;
    checkLength(length, 'length', bpe, this.maxAllocation());
    const pos = this.pos;
    const end = this.end;
    const epoch = this.chunkEpoch;
    const p = this.alloc(length * bpe, bpe);
    const view = new ctor(this.memory.buffer, p, length) as unknown as { [i: number]: ElementOf<T> };
    const type = isBigIntKind(ctor) ? 'bigint' : 'number';
    try {
      for (let i = 0; i < length; i++) {
        const value = fill(i);
        if (typeof value !== type) {
          throw new TypeError(
            `fill must return a ${type} for ${ctor.name}, got ${show(value)} for index ${i}`,
          );
        }
        view[i] = value;
      }
    } catch (error) {
      if (this.chunkEpoch === epoch) this.pos = pos;
      else this.undoChunks(epoch, pos, end);
      throw error;
    }
    return view as unknown as T;
  }

  /**
   * Resizes the allocation at `ptr` from `oldSize` to `newSize` bytes, as bumpalo's `realloc`
   * does: the newest allocation grows or shrinks in place while its chunk has room; any other
   * allocation shrinks in place (the tail is not reused) or grows by copying to a new allocation
   * (the old bytes are not reused until `reset`). The growable collections are built on it.
   *
   * @param ptr - an allocation of this arena, `oldSize` bytes long, aligned to `align`
   * @param oldSize - its size in bytes, a non-negative integer
   * @param newSize - the size wanted, a non-negative integer
   * @param align - its alignment, a power of two from 1 to 4096
   * @returns the Ptr of the resized allocation: `ptr`, or a new one holding a copy
   * @throws {TypeError} when an argument is not a number, naming it
   * @throws {RangeError} when an argument is out of range (a negative or fractional size, an
   *   alignment that is not a power of two, a `ptr` that is 0, unaligned or whose `oldSize` bytes
   *   run past the memory), naming it; the arena is then unchanged
   * @throws {AllocError} when a copy is needed and does not fit; the arena is then unchanged
   * @example
   * ```ts
   * let p = bump.alloc(16);
   * p = bump.grow(p, 16, 64, 8); // still p: it was the newest allocation
   * ```
   */
  grow(ptr: Ptr, oldSize: number, newSize: number, align: number): Ptr {
    this.checkGrow(ptr, oldSize, newSize, align);
    if (ptr + oldSize === this.pos) {
      if (ptr + newSize <= this.end) {
        this.pos = ptr + newSize;
        return ptr;
      }
    } else if (newSize <= oldSize) {
      return ptr;
    }
    const q = this.alloc(newSize, align);
    this.memory.u8.copyWithin(q, ptr, ptr + Math.min(oldSize, newSize));
    return q;
  }

  /** The Ptr of `size` bytes at `align`, or -1 when no chunk can hold them. Arguments are already valid. */
  private reserve(size: number, align: number): Ptr {
    const p = this.fit(size, align);
    if (p >= 0) return p;
    if (size > this.maxAllocation() || !this.nextChunk(size, align)) return -1;
    return this.fit(size, align);
  }

  /** Takes `size` bytes at `align` from the current chunk, or returns -1 when they do not fit. */
  private fit(size: number, align: number): Ptr {
    // Positions as plain numbers (up to 2^32): this is not the hot path.
    const p = Math.ceil(this.pos / align) * align;
    if (p + size > this.end) return -1;
    this.pos = p + size;
    return p;
  }

  /**
   * Undoes the chunks installed since `epoch` (a `chunkEpoch` read before) after a fill that
   * failed, restoring `pos` and `end` as they were then. The default forgets those chunks; `Bump`
   * also gives their bytes back.
   */
  protected undoChunks(_epoch: number, pos: number, end: number): void {
    this.pos = pos;
    this.end = end;
  }

  private allocSlow(size: number, align: number): Ptr {
    this.validate(size, align);
    const max = this.maxAllocation();
    if (size > max) {
      throw new AllocError(`size must be at most ${max} (the arena's reservation), got ${size}`, size, null);
    }
    const p = this.reserve(size, align);
    if (p < 0) throw this.allocError(size, align);
    return p;
  }

  /**
   * Every argument of `grow`, before anything moves: a negative or fractional size would move the
   * bump position back into memory that is in use, or off the integers.
   */
  private checkGrow(ptr: unknown, oldSize: unknown, newSize: unknown, align: unknown): void {
    const memorySize = this.memory.u8.length;
    checkPtr(ptr, 'ptr', memorySize);
    checkSize(oldSize, 'oldSize', memorySize, "the arena's memory");
    checkSize(newSize, 'newSize', Number.MAX_SAFE_INTEGER);
    checkAlign(align);
    checkPtr(ptr, 'ptr', memorySize, oldSize as number, align as number);
    const max = this.maxAllocation();
    if ((newSize as number) > max) {
      throw new AllocError(
        `newSize must be at most ${max} (the arena's reservation), got ${newSize as number}`,
        newSize as number,
        null,
      );
    }
  }

  /** Bad input only: a size larger than any arena could hold is an `AllocError`, not bad input. */
  private validate(size: unknown, align: unknown): void {
    checkSize(size, 'size', Number.MAX_SAFE_INTEGER);
    checkAlign(align);
  }
}

/**
 * An arena's `pos` while it has no chunk: past its `end` of 0, so even `alloc(0)` takes the slow
 * path (which installs a chunk) and 0 is never handed out as a Ptr.
 */
export const NO_CHUNK_POS = 1;

function isAlign(align: unknown): boolean {
  return (
    typeof align === 'number' &&
    align >>> 0 === align &&
    align <= 4096 &&
    align !== 0 &&
    (align & (align - 1)) === 0
  );
}

const typedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;

/** The built-in constructor behind a typed array, whatever subclass made it. */
function baseConstructor(array: TypedArray): TypedArrayConstructor {
  let proto = Object.getPrototypeOf(array) as { constructor: unknown } | null;
  while (proto !== null && !isTypedArrayConstructor(proto.constructor)) {
    const up = Object.getPrototypeOf(proto) as { constructor: unknown } | null;
    proto = up === typedArrayPrototype ? null : up;
  }
  if (proto === null) throw new TypeError(`src must be a typed array of a built-in kind, got ${show(array)}`);
  return proto.constructor as TypedArrayConstructor;
}

function checkElement(ctor: TypedArrayConstructor, value: unknown, name: string): void {
  const big = isBigIntKind(ctor);
  if (big ? typeof value !== 'bigint' : typeof value !== 'number') {
    throw new TypeError(
      `${name} must be a ${big ? 'bigint' : 'number'} for ${ctor.name}, got ${show(value)}`,
    );
  }
}
