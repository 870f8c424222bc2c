import { isMainThread } from 'node:worker_threads';
import { ChannelClosedError } from './errors.js';
import { trackThreadEnd, untrackThreadEnd } from './thread-ends.js';

/**
 * What one end (a `Sender` or a `Receiver`) owns: a one-word cell in shared memory that says
 * whether this end's count was already given back. Both the thread that holds a moved end and
 * the parent's `done()` may try to close it; whoever flips the cell first gives the count back,
 * so it is given back exactly once.
 */
export class EndOwnership {
  readonly cell: Int32Array<SharedArrayBuffer>;
  moved = false;
  /** Closed by this thread; read on every operation, so kept out of shared memory. */
  closedHere = false;

  constructor(cell: Int32Array<SharedArrayBuffer> = new Int32Array(new SharedArrayBuffer(4))) {
    this.cell = cell;
  }

  get closed(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }

  /** Flips the cell; true for the one caller that must give the count back. */
  claimClose(): boolean {
    this.closedHere = true;
    return Atomics.compareExchange(this.cell, 0, 0, 1) === 0;
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

/** Threads close the ends they still hold when their task ends; the main thread closes its own. */
export function trackIfInThread(end: { close(): void }): void {
  if (!isMainThread) trackThreadEnd(end);
}

export function untrack(end: { close(): void }): void {
  if (!isMainThread) untrackThreadEnd(end);
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
