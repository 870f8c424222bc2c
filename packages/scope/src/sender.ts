import { brand, isBranded, stamp } from './brand.js';
import { ChannelCore, DISCONNECTED, OK, WOULD_BLOCK } from './channel-core.js';
import { checkValue, EndOwnership } from './channel-end.js';
import { ChannelClosedError } from './errors.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';
import { offTaskEnd, onTaskEnd } from './runtime/thread-context.js';

/**
 * What a moved end carries into a thread.
 *
 * @example
 * ```ts
 * // in the thread, the crossing protocol revives the end from its SharedEnd:
 * const tx = Sender.fromShared(data);
 * ```
 */
export interface SharedEnd {
  buffer: SharedArrayBuffer;
  /** The moved end's ownership token (its CLOSED word, then the count of clones made from it). */
  token: SharedArrayBuffer;
  /** When the end was itself in a thread: the token its clones are counted in. */
  account?: SharedArrayBuffer;
  /** Whether the end's own count is one of `account`'s clones. */
  counted?: boolean;
}

const closedByReceivers = () =>
  new ChannelClosedError('send on a channel whose receivers are all closed: nobody can receive the value');

const senderBrand = brand('Sender');

/**
 * The sending end of a channel made by `syncChannel` or `channel`. Passing it to `s.spawn` moves
 * it into the thread (this copy is then spent); `clone()` first to keep one. A thread that ends
 * closes the ends it still holds; on the main thread, `close()` it when done so receivers' loops end.
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
export class Sender {
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is a user's subclass when it is not the class itself
    return isBranded(value, senderBrand, this, Sender);
  }

  readonly #core: ChannelCore;
  readonly #own: EndOwnership;

  /** @internal Ends are made by `syncChannel`, `channel`, `clone()` and crossing into a thread. */
  constructor(core: ChannelCore, own: EndOwnership) {
    this.#core = core;
    this.#own = own;
    core.initSender();
    // A thread closes the ends it still holds when its task ends, as Rust drops them.
    onTaskEnd(this, () => this.close());
  }

  /**
   * Revives a moved sender in a thread (the crossing protocol's `revive`).
   *
   * @example
   * ```ts
   * const tx = Sender.fromShared(data); // data from the thread's crossing marker
   * ```
   */
  static fromShared(data: SharedEnd): Sender {
    return new Sender(
      new ChannelCore(data.buffer),
      EndOwnership.revive(data.token, data.account, data.counted ?? false),
    );
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
    return this.#core.capacity;
  }

  /**
   * Whether this end can no longer send: closed here, or moved into a thread.
   *
   * @example
   * ```ts
   * tx.close(); tx.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.#own.moved || this.#own.closed;
  }

  /**
   * Sends a number, blocking the thread while the channel is full; on a rendezvous channel,
   * until a receiver took it. For worker threads: on the main thread use `sendAsync`.
   *
   * @param value - any number, typically a Ptr
   * @throws ChannelClosedError when every receiver is closed, or this end is closed or moved
   * @example
   * ```ts
   * s.spawn((tx) => { tx.send(42); }, tx);
   * ```
   */
  send(value: number): void {
    checkValue(value);
    this.#own.ensureUsable('Sender');
    const core = this.#core;
    let status = core.tryPush(value);
    if (status === WOULD_BLOCK) status = core.block(() => this.#push(value), 'tx', Number.POSITIVE_INFINITY);
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
    this.#own.ensureUsable('Sender');
    const core = this.#core;
    let status = core.tryPush(value);
    if (status === WOULD_BLOCK) {
      status = await core.blockAsync(() => this.#push(value), 'tx', Number.POSITIVE_INFINITY);
    }
    if (status === DISCONNECTED) throw closedByReceivers();
    if (core.capacity === 0) {
      const taken = await core.blockAsync(() => this.#pickup(), 'tx', Number.POSITIVE_INFINITY);
      if (taken !== OK) throw closedByReceivers();
    }
  }

  /**
   * Sends a number if there is room now. On a rendezvous channel there is room only while a
   * receiver is waiting.
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
    this.#own.ensureUsable('Sender');
    const core = this.#core;
    if (core.capacity === 0 && !core.receiverWaiting()) {
      if (core.receivers() === 0) throw closedByReceivers();
      return false;
    }
    const status = core.tryPush(value);
    if (status === DISCONNECTED) throw closedByReceivers();
    return status === OK;
  }

  /**
   * Another sender on the same channel; receivers' iteration ends once every sender is closed.
   *
   * @example
   * ```ts
   * s.spawn(producer, tx.clone());
   * s.spawn(producer, tx); // moves the last copy
   * ```
   */
  clone(): Sender {
    this.#own.ensureUsable('Sender');
    const core = this.#core;
    // Two senders now: this one stops being the only one before the other exists.
    core.leaveExclusiveSender();
    core.addSender();
    // In a thread, counted against the end that moved in (the parent gives it back if the thread
    // is terminated or exits before closing it).
    return new Sender(new ChannelCore(core.buffer), this.#own.forClone());
  }

  /**
   * Closes this end; closing twice, or a moved end, does nothing. When the last sender closes,
   * receivers drain what is left and then see the channel as disconnected.
   *
   * @example
   * ```ts
   * tx.send(1);
   * tx.close();
   * ```
   */
  close(): void {
    offTaskEnd(this);
    if (this.#own.moved) return;
    this.#core.leaveExclusiveSender();
    if (this.#own.claimClose()) this.#core.dropSender();
    // A wait of this end still pending (`sendAsync` not awaited) fails now.
    this.#core.wakeOwnWaits('tx');
  }

  /** Disposes by closing, for `using tx = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The crossing protocol: moves this end into a thread. */
  [CROSSING](): Crossing {
    this.#own.ensureUsable('Sender');
    const own = this.#own;
    const core = this.#core;
    // The copy in the thread starts from what is in shared memory: publish this end's position.
    core.leaveExclusiveSender();
    return {
      module: import.meta.url,
      revive: 'Sender.fromShared',
      data: { buffer: core.buffer, token: own.cell.buffer, ...own.crossingData() } satisfies SharedEnd,
      sent: () => {
        own.moved = true;
        offTaskEnd(this);
        core.wakeOwnWaits('tx');
      },
      done: () => {
        // The moved end, and the clones made from it in the thread and left open there (a
        // terminated thread, or one that called process.exit, closed none of them).
        if (own.claimClose()) core.dropSender();
        const left = own.reclaimClones();
        if (left > 0) core.dropSender(left);
      },
    };
  }

  /** A retry while blocked: the end may have been closed or moved meanwhile (async forms). */
  #push(value: number): number {
    this.#own.ensureUsable('Sender');
    return this.#core.tryPush(value);
  }

  /** A rendezvous send waiting for a receiver to take its value; fails if this end closed meanwhile. */
  #pickup(): number {
    const core = this.#core;
    if (core.lastPushTaken()) return OK;
    this.#own.ensureUsable('Sender');
    return core.receivers() === 0 ? DISCONNECTED : WOULD_BLOCK;
  }
}

stamp(Sender, senderBrand);
