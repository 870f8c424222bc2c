import { show } from '@herd/shared';
import { Arena } from './arena.js';
import { DebugMemory } from './debug-memory.js';
import { AllocError } from './errors.js';
import { Memory } from './memory.js';
import { checkLimit, checkSize, MAX_ADDRESS } from './validate.js';

/**
 * Options for a `Bump`.
 *
 * @example
 * ```ts
 * const options: BumpOptions = { chunkSize: 64 * 1024, allocationLimit: 1 << 20 };
 * const bump = new Bump(options);
 * ```
 */
export interface BumpOptions {
  /**
   * Size of the first chunk in bytes; each later chunk is at least double the one before.
   * @defaultValue 4096
   */
  chunkSize?: number;
  /**
   * Most bytes of chunks the arena may hold (what `allocatedBytes()` counts), or `null` for none.
   * @defaultValue null
   */
  allocationLimit?: number | null;
  /**
   * Address space reserved for the arena's buffer. Reserving costs nothing until pages are
   * touched; it bounds how far the arena can grow. At most 4 GiB so that a Ptr fits in a u32.
   * @defaultValue 1 GiB
   */
  maxBytes?: number;
  /**
   * Debug mode, a debugging aid: the arena's memory is a `DebugMemory`, and `reset()` fills the
   * chunk it keeps with a poison pattern (0xA5), so that `memory.str` and the `struct` getters
   * throw `UseAfterResetError` on a Ptr used after the reset that freed it (while its memory has
   * not been allocated and written again). It costs a fill of the kept chunk on every reset (about
   * 24 us a MiB, 400 us the first time its pages are touched) and about 8 ns on every string read;
   * number fields cost nothing more unless they read the pattern. Without it, nothing.
   * @defaultValue false
   */
  debug?: boolean;
}

/** Bytes at the start of the buffer that no chunk uses, so that 0 is never a Ptr. */
const GUARD = 16;
const DEFAULT_CHUNK = 4096;
const DEFAULT_MAX_BYTES = 2 ** 30;
/** Doubling stops here: past it, chunks are as big as the allocation that needs them, or this. */
const MAX_CHUNK = 2 ** 28;

function checkOptions(options: unknown): asserts options is BumpOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${show(options)}`);
  }
}

/** The buffer's reservation: `options.maxBytes`, up to the highest address a Ptr may reach. */
function maxBytesOf(options: BumpOptions): number {
  const maxBytes = options.maxBytes === undefined ? DEFAULT_MAX_BYTES : options.maxBytes;
  return Math.min(checkSize(maxBytes, 'options.maxBytes', 2 ** 32), MAX_ADDRESS);
}

/**
 * A bump arena: allocation in a few integer operations, everything freed at once by `reset()`.
 * Allocations are Ptrs (byte offsets) into `memory`, read and written through its views.
 *
 * Memory comes in chunks from one private resizable `ArrayBuffer`, each chunk at least double the
 * last, as in bumpalo. `allocatedBytes()` counts the bytes of the chunks held, and the allocation
 * limit bounds that count.
 *
 * @example
 * ```ts
 * import { Bump } from '@herd/bump';
 *
 * const bump = new Bump();
 * const m = bump.memory;
 * const p = bump.alloc(16);
 * m.f64[p >>> 3] = 3;
 * m.f64[(p >>> 3) + 1] = 4;
 * const name = bump.allocStr('point');
 * m.str(name); // 'point'
 * bump.reset(); // all of it freed; the newest chunk is kept for reuse
 * ```
 */
export class Bump extends Arena {
  private readonly buffer: ArrayBuffer;
  private readonly maxBytes: number;
  private readonly firstChunk: number;
  private limit: number | null;
  /** Start, end and final bump position of each chunk, oldest first; the last is current. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly used: number[] = [];
  private chunkBytes = 0;
  /** The memory, when in debug mode: `reset()` poisons it. */
  private readonly debugMemory: DebugMemory | null;

  /**
   * @param options - `chunkSize`, `allocationLimit`, `maxBytes`, `debug`
   * @example
   * ```ts
   * const bump = new Bump({ allocationLimit: 1 << 20 });
   * ```
   */
  constructor(options: BumpOptions = {}) {
    checkOptions(options);
    const maxBytes = maxBytesOf(options);
    if (maxBytes < GUARD + 16) {
      throw new RangeError(`options.maxBytes must be at least ${GUARD + 16}, got ${options.maxBytes}`);
    }
    const chunkSize = checkSize(
      options.chunkSize === undefined ? DEFAULT_CHUNK : options.chunkSize,
      'options.chunkSize',
      maxBytes - GUARD,
    );
    if (chunkSize < 16) throw new RangeError(`options.chunkSize must be at least 16, got ${chunkSize}`);
    const limit = checkLimit(options.allocationLimit, 'options.allocationLimit');
    const debug = options.debug ?? false;
    if (typeof debug !== 'boolean')
      throw new TypeError(`options.debug must be a boolean, got ${show(debug)}`);
    const buffer = new ArrayBuffer(GUARD, { maxByteLength: maxBytes });
    const memory = debug ? new DebugMemory(buffer) : new Memory(buffer);
    super(memory);
    this.debugMemory = debug ? (memory as DebugMemory) : null;
    this.buffer = buffer;
    this.maxBytes = maxBytes;
    this.firstChunk = Arena.chunkBytesFor(chunkSize, 1);
    this.limit = limit;
  }

  /**
   * A `Bump` whose first chunk holds at least `bytes`, taken at once: `chunkCapacity() >= bytes`.
   *
   * @example
   * ```ts
   * const bump = Bump.withCapacity(1 << 20);
   * bump.chunkCapacity() >= 1 << 20; // true
   * ```
   */
  static withCapacity(bytes: number, options: Omit<BumpOptions, 'chunkSize'> = {}): Bump {
    checkOptions(options);
    const maxBytes = maxBytesOf(options);
    checkSize(bytes, 'bytes', Math.max(0, maxBytes - GUARD));
    const bump = new Bump({ ...options, chunkSize: Math.max(16, bytes) });
    if (bytes > 0 && !bump.nextChunk(bytes, 16)) throw bump.allocError(bytes, 16);
    return bump;
  }

  /**
   * Forgets every allocation at once. The newest (largest) chunk is kept for reuse and moved to
   * the start of the buffer; the others are given back. Ptrs and views from before are invalid.
   * In debug mode (`{ debug: true }`) the kept chunk is filled with the poison pattern.
   *
   * @example
   * ```ts
   * for (const batch of [['a', 'b'], ['c']]) {
   *   const names = batch.map((name) => bump.allocStr(name));
   *   console.log(names.map((p) => bump.memory.str(p)).join(' '));
   *   bump.reset(); // the next batch reuses the kept chunk
   * }
   * ```
   */
  reset(): void {
    const n = this.starts.length;
    if (n === 0) return;
    const size = this.ends[n - 1]! - this.starts[n - 1]!;
    this.starts.length = this.ends.length = this.used.length = 0;
    this.starts.push(GUARD);
    this.ends.push(GUARD + size);
    this.used.push(GUARD);
    this.chunkBytes = size;
    const length = this.buffer.byteLength;
    if (length !== GUARD + size) {
      this.buffer.resize(GUARD + size);
      this.memory.refresh();
    }
    // Poisoned up to where the buffer reached, so that chunks grown again over it are too.
    this.debugMemory?.poison(GUARD, length);
    this.pos = GUARD;
    this.end = GUARD + size;
    this.chunkEpoch++;
  }

  /**
   * Bytes of the chunks the arena holds (bumpalo's meaning), not the bytes handed out.
   *
   * @example
   * ```ts
   * new Bump().allocatedBytes(); // 0: no chunk until the first allocation
   * ```
   */
  allocatedBytes(): number {
    return this.chunkBytes;
  }

  /**
   * Bytes of the arena's buffer: its chunks (which lie end to end) plus the 16-byte guard before
   * them, which keeps 0 from ever being a Ptr.
   *
   * @example
   * ```ts
   * const bump = new Bump();
   * bump.alloc(8);
   * bump.allocatedBytesIncludingMetadata() - bump.allocatedBytes(); // 16
   * ```
   */
  allocatedBytesIncludingMetadata(): number {
    return this.buffer.byteLength;
  }

  /**
   * Bytes still free in the current chunk.
   *
   * @example
   * ```ts
   * Bump.withCapacity(4096).chunkCapacity(); // >= 4096
   * ```
   */
  chunkCapacity(): number {
    return this.starts.length === 0 ? 0 : this.end - this.pos;
  }

  /**
   * The used bytes of each chunk, newest first, as views into the arena.
   *
   * @example
   * ```ts
   * let used = 0;
   * for (const chunk of bump.allocatedChunks()) used += chunk.length;
   * ```
   */
  *allocatedChunks(): IterableIterator<Uint8Array> {
    const n = this.starts.length;
    for (let i = n - 1; i >= 0; i--) {
      const start = this.starts[i]!;
      const used = i === n - 1 ? this.pos : this.used[i]!;
      yield new Uint8Array(this.buffer, start, used - start);
    }
  }

  /** The allocation limit in bytes, or `null` when none is set. */
  allocationLimit(): number | null {
    return this.limit;
  }

  /**
   * Sets or clears (`null`) the limit on `allocatedBytes()`. A limit below what is already held
   * keeps what is held and refuses new chunks.
   *
   * @example
   * ```ts
   * bump.setAllocationLimit(64 << 10);
   * bump.tryAlloc(1 << 20); // null
   * ```
   */
  setAllocationLimit(limit: number | null): void {
    if (limit === undefined) throw new TypeError('limit must be a number or null (no limit), got undefined');
    this.limit = checkLimit(limit, 'limit');
  }

  /** The reservation, less the guard before the first chunk. */
  protected override maxAllocation(): number {
    return this.maxBytes - GUARD;
  }

  /**
   * Grows the buffer by a chunk at least double the last (the first: `chunkSize`), or as big as
   * the allocation needs, within the limit and the reservation.
   */
  protected override nextChunk(size: number, align: number): boolean {
    const needed = Arena.chunkBytesFor(size, align);
    const top = this.starts.length === 0 ? GUARD : this.ends[this.ends.length - 1]!;
    const last =
      this.starts.length === 0 ? 0 : this.ends[this.ends.length - 1]! - this.starts[this.starts.length - 1]!;
    let chunk = Math.max(needed, last === 0 ? this.firstChunk : Math.min(last * 2, MAX_CHUNK));
    const room = Math.min(this.maxBytes - top, this.limit === null ? Infinity : this.limit - this.chunkBytes);
    if (chunk > room) chunk = Math.floor(room / 16) * 16;
    if (chunk < needed) return false;
    try {
      this.buffer.resize(top + chunk);
    } catch {
      return false;
    }
    this.memory.refresh();
    this.debugMemory?.poisonStale(top, top + chunk);
    if (this.starts.length > 0) this.used[this.used.length - 1] = this.pos;
    this.starts.push(top);
    this.ends.push(top + chunk);
    this.used.push(top);
    this.chunkBytes += chunk;
    this.pos = top;
    this.end = top + chunk;
    this.chunkEpoch++;
    return true;
  }

  /** Names what refused the chunk: the allocation limit, or the reservation. */
  protected override allocError(size: number, align: number): AllocError {
    const limit = this.limit;
    const reason =
      limit !== null && this.chunkBytes + Arena.chunkBytesFor(size, align) > limit
        ? `the allocation limit of ${limit} bytes (${this.chunkBytes} held)`
        : `the arena's reservation of ${this.maxBytes} bytes`;
    return new AllocError(
      `cannot allocate ${size} bytes (align ${align}): it would exceed ${reason}`,
      size,
      limit,
    );
  }

  /** Gives the chunks taken since `epoch` back to the buffer, then restores `pos` and `end`. */
  protected override undoChunks(epoch: number, pos: number, end: number): void {
    const drop = this.chunkEpoch - epoch;
    for (let i = 0; i < drop && this.starts.length > 0; i++) {
      this.chunkBytes -= this.ends.pop()! - this.starts.pop()!;
      this.used.pop();
    }
    const top = this.ends.length === 0 ? GUARD : this.ends[this.ends.length - 1]!;
    this.buffer.resize(top);
    this.memory.refresh();
    this.chunkEpoch = epoch;
    super.undoChunks(epoch, pos, end);
  }
}
