import { herdClass } from '@herd/shared';

/**
 * Thrown when an allocation does not fit: the arena's allocation limit or its reserved address
 * space would be exceeded, or one allocation asks for more than the whole reservation. The arena
 * is unchanged after it. `tryAlloc*` return `null` instead.
 *
 * It is a `RangeError`, as the platform's own allocation failures are (`new ArrayBuffer(2 ** 60)`).
 *
 * @example
 * ```ts
 * const bump = new Bump({ allocationLimit: 4096 });
 * try { bump.alloc(1 << 20); } catch (e) { if (e instanceof AllocError) console.log(e.size); }
 * ```
 */
export class AllocError extends RangeError {
  override name = 'AllocError';
  /** The requested size in bytes. */
  readonly size: number;
  /** The allocation limit in force, or `null` when none was set. */
  readonly limit: number | null;

  constructor(message: string, size: number, limit: number | null) {
    super(message);
    this.size = size;
    this.limit = limit;
  }
}

/**
 * Thrown in debug mode (`new Bump({ debug: true })`) when a read meets memory that `reset()`
 * poisoned: a Ptr kept from before the reset and used after it, or memory allocated since the
 * reset and read before it was written. `memory.str` and the `struct` getters throw it.
 *
 * @example
 * ```ts
 * const bump = new Bump({ debug: true });
 * const name = bump.allocStr('kept too long');
 * bump.reset();
 * try { bump.memory.str(name); } catch (e) { if (e instanceof UseAfterResetError) console.log(e.ptr); }
 * ```
 */
export class UseAfterResetError extends Error {
  override name = 'UseAfterResetError';
  /** The Ptr whose memory was poisoned. */
  readonly ptr: number;

  constructor(message: string, ptr: number) {
    super(message);
    this.ptr = ptr;
  }
}

herdClass(AllocError, 'AllocError');
herdClass(UseAfterResetError, 'UseAfterResetError');
