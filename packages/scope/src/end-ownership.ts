import type { GroupRef } from './end-counts.js';
import { ChannelClosedError } from './errors.js';

/**
 * What a moved end carries into a thread: the channel's memory, and the group that counts the
 * end and its clones there.
 *
 * @example
 * ```ts
 * // in the thread, the crossing protocol revives the end from its SharedEnd:
 * const { data } = tx[CROSSING](); // what crosses when `tx` is passed to a thread
 * const moved = Sender.fromShared(data as SharedEnd);
 * ```
 */
export interface SharedEnd {
  buffer: SharedArrayBuffer;
  /** The group (see channel-layout.ts) the end is counted in; absent: counted as a loose end. */
  group?: number;
  /** The group's generation when the end joined it. */
  gen?: number;
}

/**
 * What one end (a `Sender` or a `Receiver`) owns in the channel's counts: a loose count, or a
 * place in a group (an end moved into a thread, and the clones made from it there). The counts
 * themselves are in shared memory (`EndCounts`); this is the end's own, thread-local side.
 */
export class EndOwnership {
  /** The group this end is counted in; `undefined` for a loose end. */
  readonly group: GroupRef | undefined;
  /** Moved into a thread: this copy is spent. */
  moved = false;
  /** Closed by this thread; read on every operation, so kept out of shared memory. */
  closedHere = false;
  /** A group reserved for a crossing whose post has not succeeded (yet); reused by the next. */
  pending: GroupRef | undefined;

  constructor(group?: GroupRef) {
    this.group = group;
  }

  /** The ownership of an end revived in a thread from what its crossing carried. */
  static revive(data: SharedEnd): EndOwnership {
    if (typeof data.group !== 'number' || typeof data.gen !== 'number') return new EndOwnership();
    return new EndOwnership({ index: data.group, gen: data.gen });
  }

  ensureUsable(kind: 'Sender' | 'Receiver'): void {
    if (this.moved) {
      throw new ChannelClosedError(
        `this ${kind} was moved into a thread and is spent here; clone() it before passing it to keep one`,
      );
    }
    if (this.closedHere) throw new ChannelClosedError(`this ${kind} is closed`);
  }
}
