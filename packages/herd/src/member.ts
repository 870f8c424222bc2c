import { AllocError, Arena } from '@herd/bump';
import { herdClass, offTaskEnd, onTaskEnd } from '@herd/shared';
import { MemberReleasedError } from './errors.js';
import { type HerdState, type Lease, MAX_MEMBER_CHUNK } from './herd-state.js';

/**
 * One leased arena of a herd: it has every allocation method of `Bump` and allocates without
 * atomics or locks, because no other thread holds it. What it allocates belongs to the herd: it
 * stays readable through `herd.memory` from any thread after the member is released, until
 * `herd.reset()`. Release it when done (`release()`, or `using`), so its chunk goes back to the
 * herd and the next `get()`, in any thread, continues in it. In a thread that `@herd/scope` or
 * `@herd/rayon-lite` runs, a member is also released when the task that leased it ends, and it
 * refuses use after that (`MemberReleasedError`), even when kept in a global.
 *
 * @example
 * ```ts
 * const herd = new Herd();
 * const bump = herd.get();
 * const p = bump.alloc(8);
 * bump.memory.f64[p >>> 3] = 42;
 * bump.release();
 * herd.memory.f64[p >>> 3]; // 42, until herd.reset()
 * ```
 */
export class Member extends Arena {
  private readonly state: HerdState;
  private lease: Lease | null;
  private nextChunkSize: number;
  /** Start of the chunk the last `nextChunk` carved, and the size to restore, for `undoChunks`. */
  private carvedStart = 0;
  private previousNextChunkSize = 0;

  /** @internal Made by `herd.get()`. */
  constructor(state: HerdState, lease: Lease) {
    super(state.memory);
    this.state = state;
    this.lease = lease;
    this.nextChunkSize = lease.nextChunk;
    if (lease.end > lease.pos) {
      this.pos = lease.pos;
      this.end = lease.end;
    }
    // In a runtime thread the task gives back what it leased when it ends, so a member kept in
    // a global cannot go on allocating in a chunk a later lease, or a reset, hands to others.
    onTaskEnd(this, () => this.release());
  }

  /** Whether the member can still allocate (it was not released). */
  get leased(): boolean {
    return this.lease !== null;
  }

  /**
   * Returns the member to the herd: its chunk and position are parked for the next `get()`, in
   * any thread. What it allocated stays valid until `herd.reset()`. Calling it again does nothing.
   *
   * @example
   * ```ts
   * const bump = herd.get();
   * const p = bump.allocStr('kept');
   * bump.release();
   * herd.memory.str(p); // 'kept'
   * ```
   */
  release(): void {
    const lease = this.lease;
    if (lease === null) return;
    this.lease = null;
    offTaskEnd(this);
    const hasChunk = this.end > 0;
    this.state.park(lease, hasChunk ? this.end : 0, hasChunk ? this.pos : 0, this.nextChunkSize);
    this.dropChunk();
  }

  /** Same as `release()`, for `using bump = herd.get()` (TypeScript 5.2+, or Node 24+). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** The herd's chunk memory: one allocation can take at most all of it. */
  protected override maxAllocation(): number {
    return this.state.limit - this.state.dataStart;
  }

  /**
   * Carves the member's next chunk from the herd (each double the last, up to 32 MiB, or as big
   * as the allocation needs), after checking that the lease still holds.
   *
   * @throws {MemberReleasedError} when the member was released, or its lease returned by
   *   `releaseThread`
   */
  protected override nextChunk(size: number, align: number): boolean {
    if (this.lease === null) {
      throw new MemberReleasedError('this herd member was released; lease another with herd.get()');
    }
    // Checked here, where a chunk is needed, not on every allocation: the fast path stays free of
    // shared-memory reads. A member of a live thread whose lease was returned can thus finish its
    // current chunk, which is why releaseThread is for threads that no longer run.
    if (!this.state.current(this.lease)) {
      this.lease = null;
      throw new MemberReleasedError(
        "this herd member's lease was returned by herd.releaseThread(); lease another with herd.get()",
      );
    }
    const needed = Arena.chunkBytesFor(size, align);
    const chunk = this.state.carve(needed, Math.max(needed, this.nextChunkSize));
    if (chunk === null) return false;
    this.carvedStart = chunk.start;
    this.previousNextChunkSize = this.nextChunkSize;
    this.pos = chunk.start;
    this.end = chunk.end;
    this.nextChunkSize = Math.min(this.nextChunkSize * 2, MAX_MEMBER_CHUNK);
    this.chunkEpoch++;
    return true;
  }

  /**
   * A failed fill took a new chunk for nothing: give it back to the herd when no member
   * carved after it, else keep it (empty) as this member's chunk, so failures never pile up.
   */
  protected override undoChunks(epoch: number, pos: number, end: number): void {
    if (this.chunkEpoch - epoch === 1 && this.state.uncarve(this.carvedStart, this.end)) {
      this.pos = pos;
      this.end = end;
      this.nextChunkSize = this.previousNextChunkSize;
    } else {
      this.pos = this.carvedStart;
    }
  }

  /** The herd's chunk memory is used up; other members are unaffected. */
  protected override allocError(size: number, align: number): AllocError {
    const s = this.state;
    return new AllocError(
      `cannot allocate ${size} bytes (align ${align}) in the herd: its ${s.limit - s.dataStart} bytes of chunk memory are used up (${s.carvedBytes()} carved); other members are unaffected`,
      size,
      null,
    );
  }
}

herdClass(Member, 'Member');
