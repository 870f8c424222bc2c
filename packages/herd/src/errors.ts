import { herdClass } from '@herd/shared';

/**
 * Thrown by `herd.reset()` while members are leased (Rust needs `&mut Herd` to reset, which no
 * leased member allows), and by `herd.get()` when every member slot is leased. Its message and
 * `holders` name the threads holding leases.
 *
 * @example
 * ```ts
 * const m = herd.get();
 * try { herd.reset(); } catch (e) { if (e instanceof HerdBusyError) console.log(e.leased); } // 1
 * ```
 */
export class HerdBusyError extends Error {
  override name = 'HerdBusyError';
  /** Members leased when the error was thrown, in every thread. */
  readonly leased: number;
  /** Who held them: thread id → members leased (0 is a main thread). */
  readonly holders: ReadonlyMap<number, number>;

  constructor(message: string, leased: number, holders: ReadonlyMap<number, number> = new Map()) {
    super(message);
    this.leased = leased;
    this.holders = holders;
  }
}

/**
 * Thrown when a `Member` is used after `release()`, or needs a new chunk after its thread's
 * leases were returned by `releaseThread`: its memory may already belong to another member.
 *
 * @example
 * ```ts
 * const m = herd.get();
 * m.release();
 * m.alloc(8); // throws MemberReleasedError
 * ```
 */
export class MemberReleasedError extends Error {
  override name = 'MemberReleasedError';
}

herdClass(HerdBusyError, 'HerdBusyError');
herdClass(MemberReleasedError, 'MemberReleasedError');
