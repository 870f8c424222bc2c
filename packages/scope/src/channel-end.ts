import { offTaskEnd, onTaskEnd } from '@herd/shared';
import { BUSY, type ChannelCore, TIMED_OUT, WOULD_BLOCK } from './channel-core.js';
import { crossingModule } from './crossing-module-node.js';
import type { Side } from './end-counts.js';
import { EndOwnership, type SharedEnd } from './end-ownership.js';
import { ChannelClosedError } from './errors.js';
import { type BlockingUse, mainThreadWait } from './main-thread.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';

/**
 * What a `Sender` and a `Receiver` have in common, for the side each is on: the channel's
 * capacity, closing, moving into a thread, and waiting. The side-specific operations are on the
 * two classes.
 *
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(4);
 * tx.capacity === rx.capacity; // true
 * tx.close(); rx.close();
 * ```
 */
export abstract class ChannelEnd {
  /** @internal This end's view of the channel. */
  protected readonly core: ChannelCore;
  /** @internal Where this end is counted. */
  protected readonly own: EndOwnership;
  /** @internal */
  protected readonly side: Side;
  /** @internal */
  protected readonly kind: 'Sender' | 'Receiver';

  /** @internal Ends are made by `syncChannel`, `channel`, `clone()` and crossing into a thread. */
  protected constructor(core: ChannelCore, own: EndOwnership, side: Side) {
    this.core = core;
    this.own = own;
    this.side = side;
    this.kind = side === 'tx' ? 'Sender' : 'Receiver';
    core.initEnd(side);
    if (own.group !== undefined) core.ends.setHolder(side, own.group, core.me);
    // A thread closes the ends it still holds when its task ends, as Rust drops them.
    onTaskEnd(this, () => this.close());
  }

  /**
   * The channel's capacity (0 for a rendezvous channel).
   *
   * @example
   * ```ts
   * syncChannel(4)[0].capacity; // 4
   * ```
   */
  get capacity(): number {
    return this.core.capacity;
  }

  /**
   * Whether this end can no longer be used: closed here, or moved into a thread.
   *
   * @example
   * ```ts
   * tx.close(); tx.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.own.moved || this.own.closedHere;
  }

  /**
   * Closes this end; closing twice, or a moved end, does nothing. When the last sender closes,
   * receivers drain what is left and then see the channel as disconnected; when the last
   * receiver closes, sends fail with `ChannelClosedError`. A wait of this end still pending
   * (an `sendAsync`/`recvAsync` not awaited) fails with `ChannelClosedError`.
   *
   * @example
   * ```ts
   * tx.send(1);
   * tx.close();
   * ```
   */
  close(): void {
    offTaskEnd(this);
    const own = this.own;
    const core = this.core;
    const side = this.side;
    if (own.moved) return;
    if (!own.closedHere) {
      own.closedHere = true;
      core.leaveExclusive(side);
      if (own.pending !== undefined) {
        core.ends.clear(side, own.pending);
        own.pending = undefined;
      }
      if (own.group === undefined) core.ends.addLoose(side, -1);
      else core.ends.addToGroup(side, own.group, -1);
      core.endsGone(side);
    }
    core.wakeOwnWaits(side);
  }

  /**
   * Disposes by closing, for `using tx = ...`.
   *
   * @example
   * ```ts
   * { using clone = tx.clone(); clone.send(1); } // closed here
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The crossing protocol (docs/internals.md): moves this end into a thread. The end gets a
   * group there, which the parent clears once the thread is done with it, whether the thread
   * closed its ends or died holding them; if it died, the parent first repairs what it may have
   * left half done (`ChannelCore.repairThread`).
   */
  [CROSSING](): Crossing {
    const own = this.own;
    const core = this.core;
    const side = this.side;
    own.ensureUsable(this.kind);
    // The copy in the thread may be exclusive: this one must not be meanwhile.
    core.leaveExclusive(side);
    // A post that failed leaves its reservation here for the next one (or `close` frees it).
    own.pending ??= core.ends.reserve(side, own.group);
    const group = own.pending;
    return {
      module: crossingModule,
      revive: `${this.kind}.fromShared`,
      data: { buffer: core.buffer, group: group.index, gen: group.gen } satisfies SharedEnd,
      sent: () => {
        own.pending = undefined;
        own.moved = true;
        offTaskEnd(this);
        // The count moves into the group first, so the side never reads as having no ends.
        core.ends.addToGroup(side, group, 1);
        if (own.group === undefined) core.ends.addLoose(side, -1);
        else core.ends.addToGroup(side, own.group, -1);
        core.wakeOwnWaits(side);
      },
      done: (threadId: number, died?: boolean) => {
        if (died) {
          // Locks and waiter cells first: the ends it held are given back after, so no end of
          // this side turns exclusive while the dead thread's lock is still taken.
          core.repairThread(threadId);
          for (const tag of core.ends.holders(side, group)) core.repairTag(tag);
        }
        if (core.ends.clear(side, group) > 0 || died) core.endsGone(side);
      },
    };
  }

  /**
   * @internal For `clone()`: counts one more end of this side, where this end is counted (a
   * clone made in a thread joins the group of the end that moved there).
   */
  protected cloneOwnership(): EndOwnership {
    const own = this.own;
    const core = this.core;
    own.ensureUsable(this.kind);
    // Two ends now: this one stops being the only one before the other exists.
    core.leaveExclusive(this.side);
    if (own.group === undefined) {
      core.ends.addLoose(this.side, 1);
      return new EndOwnership();
    }
    if (!core.ends.addToGroup(this.side, own.group, 1)) {
      throw new ChannelClosedError(`this ${this.kind} is closed: the task it was moved into has ended`);
    }
    return new EndOwnership(own.group);
  }

  /**
   * @internal The wait of a blocking form after its first attempt found no room (no value). On
   * a main thread it does not wait: it throws the main-thread error instead, except that a
   * deadline already past (`recvTimeout(0)`) gives TIMED_OUT.
   */
  protected waitSync(attempt: () => number, deadline: number, use: BlockingUse): number {
    const core = this.core;
    if (!core.onMain) return core.block(attempt, this.side, deadline);
    const status = core.settleOnMain(attempt);
    if ((status === WOULD_BLOCK || status === BUSY) && deadline <= performance.now()) return TIMED_OUT;
    if (status === WOULD_BLOCK) throw mainThreadWait(use.method, use.why, use.instead);
    if (status === BUSY) throw mainThreadWait(use.method, use.busy, use.instead);
    return status;
  }
}
