import { AllocError, Arena, Memory } from '../../src/index.js';

/**
 * An arena that is not a `Bump`: fixed-size chunks carved from a SharedArrayBuffer that never
 * grows, as a herd member gets them. Tests use it to show that the collections and layouts work
 * on any `Arena`, chunk changes included.
 */
export class FixedArena extends Arena {
  private top = 64;
  chunks = 0;

  constructor(
    bytes: number,
    private readonly chunkSize: number,
  ) {
    super(new Memory(new SharedArrayBuffer(bytes)));
  }

  protected override nextChunk(size: number, align: number): boolean {
    const start = (this.top + align - 1) & -align;
    const end = start + Math.max(this.chunkSize, size);
    if (end > this.memory.buffer.byteLength) return false;
    this.top = end;
    this.pos = start;
    this.end = end;
    this.chunkEpoch++;
    this.chunks++;
    return true;
  }

  protected override allocError(size: number, align: number): AllocError {
    return new AllocError(`FixedArena: no room for ${size} bytes (align ${align})`, size, null);
  }

  protected override maxAllocation(): number {
    return this.memory.buffer.byteLength;
  }
}
