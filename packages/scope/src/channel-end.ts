import { ChannelClosedError } from './errors.js';

/** In a token: 1 once the end's own count was given back. */
const CLOSED = 0;
/** In a token: clones made in the thread from the moved end and not closed yet | RECLAIMED. */
const CLONES = 1;
/** In CLONES: the parent's `done()` gave back the clones left; none is counted in it from then. */
const RECLAIMED = 1 << 30;
const CLONES_MASK = RECLAIMED - 1;

/** A fresh token: the CLOSED and CLONES words. */
function newToken(): Int32Array<SharedArrayBuffer> {
  return new Int32Array(new SharedArrayBuffer(8));
}

/**
 * What one end (a `Sender` or a `Receiver`) owns: a token in shared memory whose first word says
 * whether this end's count was already given back. Both the thread that holds a moved end and
 * the parent's `done()` may try to close it; whoever flips the word first gives the count back,
 * so it is given back exactly once.
 *
 * Clones made in a thread are counted in the token of the end that moved into it (the end's
 * `account`), as they are made and closed there. A thread that is terminated or exits closes
 * none of its ends, so the parent's `done()` gives back, once, both the moved end and the clones
 * still counted (`reclaimClones`); a clone closed after that gives nothing back. A clone counted
 * nowhere (made on the main thread, or after the reclaim) is closed by its holder only.
 */
export class EndOwnership {
  readonly cell: Int32Array<SharedArrayBuffer>;
  /** Where clones made from this end are counted: the token of the end moved into this thread. */
  readonly account: Int32Array<SharedArrayBuffer> | undefined;
  /** This end's own count is one of `account`'s clones (it is such a clone, or moved from one). */
  readonly counted: boolean;
  moved = false;
  /** Closed by this thread; read on every operation, so kept out of shared memory. */
  closedHere = false;

  constructor(
    cell: Int32Array<SharedArrayBuffer> = newToken(),
    account: Int32Array<SharedArrayBuffer> | undefined = undefined,
    counted = false,
  ) {
    this.cell = cell;
    this.account = account;
    this.counted = counted;
  }

  /**
   * The ownership of an end revived in a thread from a moved end's token. Its clones are
   * counted in `account` (the token itself unless the moved end was in a thread already).
   */
  static revive(
    token: SharedArrayBuffer,
    account: SharedArrayBuffer | undefined,
    counted: boolean,
  ): EndOwnership {
    const cell = new Int32Array(token);
    if (account !== undefined) return new EndOwnership(cell, new Int32Array(account), counted);
    // A token of one word (made by hand) has no room to count clones: they are not accounted.
    return new EndOwnership(cell, cell.length > CLONES ? cell : undefined, false);
  }

  /**
   * The ownership of a clone of this end. Call it after the channel counted the clone: if the
   * parent reclaimed meanwhile, the clone is left out of the account and given back by its close.
   */
  forClone(): EndOwnership {
    const account = this.account;
    if (account === undefined) return new EndOwnership();
    let seen = Atomics.load(account, CLONES);
    while ((seen & RECLAIMED) === 0) {
      const was = Atomics.compareExchange(account, CLONES, seen, seen + 1);
      if (was === seen) return new EndOwnership(newToken(), account, true);
      seen = was;
    }
    return new EndOwnership();
  }

  /** What a moved copy of this end needs besides its token: the account it counts in. */
  crossingData(): { account?: SharedArrayBuffer; counted?: boolean } {
    return this.account === undefined ? {} : { account: this.account.buffer, counted: this.counted };
  }

  get closed(): boolean {
    return Atomics.load(this.cell, CLOSED) !== 0;
  }

  /** Flips the cell; true for the one caller that must give the count back. */
  claimClose(): boolean {
    this.closedHere = true;
    if (Atomics.compareExchange(this.cell, CLOSED, 0, 1) !== 0) return false;
    return this.counted ? uncount(this.account!) : true;
  }

  /**
   * The parent's side, once the thread this end moved into is done: how many clones made there
   * are still counted. Gives them to the caller to give back, and counts none from then on. Only
   * for the end whose token is the account (the one that moved from an unaccounted end).
   */
  reclaimClones(): number {
    if (this.account !== undefined || this.cell.length <= CLONES) return 0;
    const was = Atomics.or(this.cell, CLONES, RECLAIMED);
    return (was & RECLAIMED) !== 0 ? 0 : was & CLONES_MASK;
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

/** Takes one clone out of `account`; false when the parent reclaimed it already (and gave it back). */
function uncount(account: Int32Array<SharedArrayBuffer>): boolean {
  let seen = Atomics.load(account, CLONES);
  while ((seen & RECLAIMED) === 0) {
    const was = Atomics.compareExchange(account, CLONES, seen, seen - 1);
    if (was === seen) return true;
    seen = was;
  }
  return false;
}

export function checkValue(value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(
      `value must be a number (a Ptr), got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    );
  }
}

export function checkTimeout(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number') throw new TypeError(`ms must be a number, got ${typeof ms}`);
  if (Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ms must be a number >= 0, got ${String(ms)}`);
  }
}
