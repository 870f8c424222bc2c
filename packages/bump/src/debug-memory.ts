import { UseAfterResetError } from './errors.js';
import { Memory, type Ptr } from './memory.js';

/**
 * The byte `DebugMemory.poison` writes. Every view of it is an implausible value: 0xA5A5A5A5 as a
 * u32 (2779096485) or i32 (-1515870811), about -2.9e-16 as an f32 and -7e-130 as an f64, and
 * neither 0 nor 1 as a bool; as a string's length it runs past any memory under 2.6 GB.
 */
export const POISON = 0xa5;
const POISON_U32 = 0xa5a5a5a5;

/** What each kind of field reads from poisoned memory, for the `struct` getters to compare with. */
export const POISONED = (() => {
  const bytes = new Uint8Array(8).fill(POISON);
  const b = bytes.buffer;
  return {
    u8: POISON,
    i8: new Int8Array(b)[0]!,
    u16: new Uint16Array(b)[0]!,
    i16: new Int16Array(b)[0]!,
    u32: POISON_U32,
    i32: new Int32Array(b)[0]!,
    f32: new Float32Array(b)[0]!,
    f64: new Float64Array(b)[0]!,
  } as const;
})();

/**
 * A `Memory` that can be poisoned, for debugging: `poison(start, end)` fills bytes with a pattern
 * (0xA5), and `str`, `strByteLength` and the `struct` getters throw `UseAfterResetError` when what
 * they read is still that pattern. `new Bump({ debug: true })` uses one and poisons its memory on
 * every `reset()`, so a Ptr used after the reset that freed it fails loudly where it can, instead
 * of reading whatever was allocated there since.
 *
 * "Where it can": a read is caught while the poison is still there (memory allocated again and
 * written since holds new data, as in any allocator); fields of 1 or 2 bytes (`u8`, `i8`, `u16`,
 * `i16`) are checked through their whole record, as one byte of 0xA5 is a plausible value; raw
 * reads through the views (`memory.f64[i]`) are not checked. A value written by the program that
 * happens to be the pattern reads as poisoned: 0xA5A5A5A5 as a u32 field, for instance.
 *
 * A herd can use one too: its memory never shrinks, so `poison` over the chunk memory on reset
 * is all it needs.
 *
 * @example
 * ```ts
 * const memory = new DebugMemory(new ArrayBuffer(1024));
 * memory.u32[4] = 2;
 * memory.u8.set([0x68, 0x69], 20);
 * memory.str(16);           // 'hi'
 * memory.poison(16, 1024);
 * memory.str(16);           // throws UseAfterResetError
 * ```
 */
export class DebugMemory extends Memory {
  /**
   * The highest byte ever poisoned (exclusive), including bytes past the end of the memory when
   * it shrank: an arena that grows back over them poisons them again with `poisonStale`.
   */
  private staleEnd = 0;

  /**
   * Fills `[start, end)` with the poison pattern, as far as the memory reaches, and remembers
   * `end` as stale even past the memory's current end.
   *
   * @param start - first byte, an integer
   * @param end - the byte after the last, an integer
   * @example
   * ```ts
   * const memory = new DebugMemory(new ArrayBuffer(1024));
   * memory.poison(16, memory.u8.length); // what a reset freed
   * ```
   */
  poison(start: number, end: number): void {
    this.u8.fill(POISON, start, Math.min(end, this.u8.length));
    if (end > this.staleEnd) this.staleEnd = end;
  }

  /**
   * Poisons what of `[start, end)` was poisoned before: for an arena that gave memory back on
   * reset and grows into it again, so old Ptrs into it still fail.
   *
   * @example
   * ```ts
   * const memory = new DebugMemory(new ArrayBuffer(1024));
   * memory.poison(16, 1024);       // a reset poisons what it freed
   * memory.u8.fill(0, 512);        // (an arena gave [512, 1024) back, then grew into it: zeroed)
   * memory.poisonStale(512, 1024); // poisoned again, so Ptrs from before the reset still fail
   * ```
   */
  poisonStale(start: number, end: number): void {
    if (start < this.staleEnd) this.u8.fill(POISON, start, Math.min(end, this.staleEnd, this.u8.length));
  }

  /**
   * @internal Throws `UseAfterResetError` when every one of the `bytes` bytes at `ptr` is poison
   * (0 bytes: nothing to tell by).
   */
  override checkRead(ptr: Ptr, bytes: number): void {
    const u8 = this.u8;
    if (ptr + Math.max(bytes, 1) > u8.length) {
      if (ptr < this.staleEnd) throw stale(ptr, u8.length);
      return;
    }
    if (bytes === 0) return;
    for (let i = 0; i < bytes; i++) if (u8[ptr + i] !== POISON) return;
    throw poisoned(ptr, bytes);
  }

  override str(ptr: Ptr): string {
    this.checkString(ptr);
    return super.str(ptr);
  }

  override strByteLength(ptr: Ptr): number {
    this.checkString(ptr);
    return super.strByteLength(ptr);
  }

  /** A string's Ptr read from poisoned memory, or a string whose length or first bytes are poison. */
  private checkString(ptr: unknown): void {
    if (ptr === POISON_U32) {
      throw new UseAfterResetError(
        `ptr ${ptr} is the poison pattern 0xA5A5A5A5: it was read from memory that reset() poisoned`,
        ptr,
      );
    }
    if (typeof ptr !== 'number' || ptr % 4 !== 0 || ptr <= 0) return;
    this.checkRead(ptr, 4);
    const length = this.u32[ptr >>> 2];
    if (length !== undefined && length > 0) this.checkRead(ptr + 4, Math.min(length, 8));
  }
}

function poisoned(ptr: number, bytes: number): UseAfterResetError {
  return new UseAfterResetError(
    `ptr ${ptr} reads ${bytes} byte${bytes === 1 ? '' : 's'} that reset() poisoned: a Ptr kept from before the reset, or memory allocated since and read before it was written`,
    ptr,
  );
}

function stale(ptr: number, size: number): UseAfterResetError {
  return new UseAfterResetError(
    `ptr ${ptr} points past the end of the memory (${size} bytes), into chunks that reset() gave back: a Ptr kept from before the reset`,
    ptr,
  );
}
