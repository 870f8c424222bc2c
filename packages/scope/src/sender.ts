import { herdClass } from '@herd/shared';
import { checkValue, checkValues } from './channel-checks.js';
import { BUSY, ChannelCore, DISCONNECTED, OK, WOULD_BLOCK } from './channel-core.js';
import { ChannelEnd } from './channel-end.js';
import { EndOwnership, type SharedEnd } from './end-ownership.js';
import { ChannelClosedError } from './errors.js';
import { type BlockingUse, mainThreadWait } from './main-thread.js';

const closedByReceivers = () =>
  new ChannelClosedError('send on a channel whose receivers are all closed: nobody can receive the value');

/** A `ChannelClosedError` of a batch send, with `sent`: how many values went through first. */
function closedMidBatch(method: string, sent: number, total: number): ChannelClosedError {
  const error = new ChannelClosedError(
    `${method}: every receiver closed after ${sent} of the ${total} values were sent`,
  );
  // An own property, so it also crosses back from a thread with the error.
  error.sent = sent;
  return error;
}

const SEND: BlockingUse = {
  method: 'send',
  why: 'the channel is full',
  busy: 'another sender is in the middle of a send',
  instead: 'await tx.sendAsync(value)',
};
const SEND_MANY: BlockingUse = {
  method: 'sendMany',
  why: 'the channel has no room for all the values',
  busy: 'another sender is in the middle of a send',
  instead: 'await tx.sendManyAsync(values)',
};
const RENDEZVOUS = 'on a rendezvous channel every send waits for a receiver to take the value';

/**
 * The sending end of a channel made by `syncChannel` or `channel`. Passing it to `s.spawn` moves
 * it into the thread (this copy is then spent); `clone()` first to keep one. A thread that ends
 * closes the ends it still holds; on the main thread, `close()` it when done so receivers' loops end.
 *
 * The blocking forms (`send`, `sendMany`) are for worker threads. On a main thread they never
 * wait: where they would have to, they throw a `TypeError` naming the async form to use.
 *
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(16);
 * await scope((s) => {
 *   s.spawn((tx) => { for (let i = 0; i < 10; i++) tx.send(i); }, tx);
 *   s.spawn(async (rx) => { for await (const n of rx) console.log(n); }, rx);
 * });
 * ```
 */
export class Sender extends ChannelEnd {
  /** @internal Ends are made by `syncChannel`, `channel`, `clone()` and crossing into a thread. */
  constructor(core: ChannelCore, own: EndOwnership) {
    super(core, own, 'tx');
  }

  /**
   * Revives a moved sender in a thread (the crossing protocol's `revive`).
   *
   * @example
   * ```ts
   * const { data } = tx[CROSSING](); // what crosses when `tx` is passed to a thread
   * const moved = Sender.fromShared(data as SharedEnd);
   * ```
   */
  static fromShared(data: SharedEnd): Sender {
    return new Sender(new ChannelCore(data.buffer), EndOwnership.revive(data));
  }

  /**
   * Sends a number, blocking the thread while the channel is full; on a rendezvous channel,
   * until a receiver took it. For worker threads: on a main thread it sends only if there is
   * room now, and throws a `TypeError` (use `sendAsync`) where it would have to wait.
   *
   * @param value - any number, typically a Ptr
   * @throws ChannelClosedError when every receiver is closed, or this end is closed or moved
   * @throws TypeError on a main thread, when it would have to wait
   * @example
   * ```ts
   * s.spawn((tx) => { tx.send(42); }, tx);
   * ```
   */
  send(value: number): void {
    checkValue(value);
    this.own.ensureUsable('Sender');
    const core = this.core;
    if (core.capacity === 0 && core.onMain) throw mainThreadWait('send', RENDEZVOUS, SEND.instead);
    let status = core.tryPush(value);
    if (status !== OK && status !== DISCONNECTED) {
      status = this.waitSync(() => this.#push(value), Number.POSITIVE_INFINITY, SEND);
    }
    if (status === DISCONNECTED) throw closedByReceivers();
    if (core.capacity === 0) {
      if (core.block(() => this.#pickup(), 'tx', Number.POSITIVE_INFINITY) !== OK) throw closedByReceivers();
    }
  }

  /**
   * Sends a number, awaiting room (or, on a rendezvous channel, a receiver) without blocking
   * the event loop. The process stays alive while it waits.
   *
   * @param value - any number, typically a Ptr
   * @throws ChannelClosedError (as a rejection) when every receiver is closed
   * @example
   * ```ts
   * for (let i = 0; i < 100; i++) await tx.sendAsync(i);
   * tx.close();
   * ```
   */
  async sendAsync(value: number): Promise<void> {
    checkValue(value);
    this.own.ensureUsable('Sender');
    const core = this.core;
    let status = core.tryPush(value);
    if (status !== OK && status !== DISCONNECTED) {
      status = await core.blockAsync(() => this.#push(value), 'tx', Number.POSITIVE_INFINITY);
    }
    if (status === DISCONNECTED) throw closedByReceivers();
    if (core.capacity === 0) {
      const taken = await core.blockAsync(() => this.#pickup(), 'tx', Number.POSITIVE_INFINITY);
      if (taken !== OK) throw closedByReceivers();
    }
  }

  /**
   * Sends a number if there is room now; never waits. On a rendezvous channel there is room
   * only while a receiver is waiting. With several senders it also returns false when another
   * sender is stopped in the middle of its send (descheduled, or dead and not yet repaired).
   *
   * @param value - any number, typically a Ptr
   * @returns true when sent, false when the channel is full
   * @throws ChannelClosedError when every receiver is closed, or this end is closed or moved
   * @example
   * ```ts
   * if (!tx.trySend(7)) console.log('full, try later');
   * ```
   */
  trySend(value: number): boolean {
    checkValue(value);
    this.own.ensureUsable('Sender');
    const core = this.core;
    if (core.capacity === 0 && !core.receiverWaiting()) {
      if (core.receivers() === 0) throw closedByReceivers();
      return false;
    }
    const status = core.tryPush(value);
    if (status === DISCONNECTED) throw closedByReceivers();
    return status === OK;
  }

  /**
   * Sends every number of `values`, in order, taking whatever room there is at each step: one
   * synchronisation per run of values rather than per value. Blocks while the channel is full;
   * for worker threads. On a main thread it sends all of them at once if they all fit now, and
   * otherwise sends none and throws a `TypeError` (use `sendManyAsync`).
   *
   * Values of one `sendMany` stay in order, and another sender's values may come between runs.
   *
   * @param values - numbers (a typed array, or an array of numbers)
   * @throws ChannelClosedError when every receiver is closed; its `sent` property says how many
   *   of `values` were sent before (they will be received: only the rest were not sent)
   * @throws TypeError when `values` is not an array-like of numbers; on a main thread, when it would wait
   * @example
   * ```ts
   * s.spawn((tx) => { tx.sendMany(new Float64Array([1, 2, 3])); }, tx);
   * ```
   */
  sendMany(values: ArrayLike<number>): void {
    checkValues(values);
    this.own.ensureUsable('Sender');
    const core = this.core;
    const total = values.length;
    if (total === 0) return;
    if (core.onMain) {
      if (core.capacity === 0) throw mainThreadWait('sendMany', RENDEZVOUS, SEND_MANY.instead);
      // All or nothing: it may not wait half-way, and a partial send would leave the caller
      // with the rest to send some other way.
      const status = core.settleOnMain(() => this.#pushMany(values, 0, true));
      if (status === DISCONNECTED) throw closedMidBatch('sendMany', 0, total);
      if (status === BUSY) throw mainThreadWait('sendMany', SEND_MANY.busy, SEND_MANY.instead);
      if (status !== OK) throw mainThreadWait('sendMany', SEND_MANY.why, SEND_MANY.instead);
      return;
    }
    let sent = 0;
    while (sent < total) {
      const from = sent;
      let status = core.tryPushMany(values, from, false);
      if (status !== OK && status !== DISCONNECTED) {
        status = core.block(() => this.#pushMany(values, from, false), 'tx', Number.POSITIVE_INFINITY);
      }
      if (status === DISCONNECTED) throw closedMidBatch('sendMany', sent, total);
      sent += core.count;
    }
    if (core.capacity === 0 && core.block(() => this.#pickup(), 'tx', Number.POSITIVE_INFINITY) !== OK) {
      throw closedMidBatch('sendMany', total - 1, total);
    }
  }

  /**
   * `sendMany` without blocking the event loop: awaits room as it goes. The process stays alive
   * while it waits.
   *
   * @param values - numbers (a typed array, or an array of numbers)
   * @throws ChannelClosedError (as a rejection) when every receiver is closed, with `sent`
   * @example
   * ```ts
   * await tx.sendManyAsync([1, 2, 3]);
   * tx.close();
   * ```
   */
  async sendManyAsync(values: ArrayLike<number>): Promise<void> {
    checkValues(values);
    this.own.ensureUsable('Sender');
    const core = this.core;
    const total = values.length;
    let sent = 0;
    while (sent < total) {
      const from = sent;
      let status = core.tryPushMany(values, from, false);
      let count = core.count;
      if (status !== OK && status !== DISCONNECTED) {
        // Another async operation of this end may run before this one resumes: keep the count here.
        status = await core.blockAsync(
          () => {
            const pushed = this.#pushMany(values, from, false);
            count = core.count;
            return pushed;
          },
          'tx',
          Number.POSITIVE_INFINITY,
        );
      }
      if (status === DISCONNECTED) throw closedMidBatch('sendManyAsync', sent, total);
      sent += count;
    }
    if (core.capacity === 0 && total > 0) {
      const taken = await core.blockAsync(() => this.#pickup(), 'tx', Number.POSITIVE_INFINITY);
      if (taken !== OK) throw closedMidBatch('sendManyAsync', total - 1, total);
    }
  }

  /**
   * Another sender on the same channel; receivers' iteration ends once every sender is closed.
   *
   * @example
   * ```ts
   * const producer = (tx: Sender) => { for (let i = 0; i < 10; i++) tx.send(i); };
   * s.spawn(producer, tx.clone());
   * s.spawn(producer, tx); // moves the last copy
   * ```
   */
  clone(): Sender {
    const own = this.cloneOwnership();
    return new Sender(new ChannelCore(this.core.buffer), own);
  }

  /** A retry while blocked: the end may have been closed or moved meanwhile (async forms). */
  #push(value: number): number {
    this.own.ensureUsable('Sender');
    return this.core.tryPush(value);
  }

  #pushMany(values: ArrayLike<number>, from: number, all: boolean): number {
    this.own.ensureUsable('Sender');
    return this.core.tryPushMany(values, from, all);
  }

  /** A rendezvous send waiting for a receiver to take its value; fails if this end closed meanwhile. */
  #pickup(): number {
    const core = this.core;
    if (core.lastPushTaken()) return OK;
    this.own.ensureUsable('Sender');
    return core.receivers() === 0 ? DISCONNECTED : WOULD_BLOCK;
  }
}

herdClass(Sender, 'Sender');
