/**
 * Thrown when an allocation does not fit: the arena's allocation limit or its reserved address
 * space would be exceeded. The arena is unchanged after it. `tryAlloc*` return `null` instead.
 *
 * @example
 * ```ts
 * const bump = new Bump({ allocationLimit: 4096 });
 * try { bump.alloc(1 << 20); } catch (e) { if (e instanceof AllocError) console.log(e.size); }
 * ```
 */
export class AllocError extends Error {
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
