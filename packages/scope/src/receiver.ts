import { brand, isBranded, stamp } from './brand.js';
import { ChannelCore, DISCONNECTED, OK, TIMED_OUT, WOULD_BLOCK } from './channel-core.js';
import { checkTimeout, EndOwnership } from './channel-end.js';
import { ChannelClosedError, TimeoutError } from './errors.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';
import { offTaskEnd, onTaskEnd } from './runtime/thread-context.js';
import type { SharedEnd } from './sender.js';

const disconnected = () =>
  new ChannelClosedError('receive on an empty channel whose senders are all closed: nothing more can come');

const DONE: IteratorResult<number, void> = Object.freeze({ value: undefined, done: true });

/**
 * The sync iterator of a receiver: a generator's behaviour (`next`, `return`, `throw`, iterator
 * helpers where the runtime has them) without a generator's resume cost on every value, so the
 * engine can inline `next` into a `for...of` loop.
 */
class Values {
  readonly #core: ChannelCore;
  readonly #own: EndOwnership;
  readonly #pop: () => number;
  #done = false;

  constructor(core: ChannelCore, own: EndOwnership, pop: () => number) {
    this.#core = core;
    this.#own = own;
    this.#pop = pop;
  }

  next(): IteratorResult<number, void> {
    if (this.#done) return DONE;
    let status: number;
    try {
      this.#own.ensureUsable('Receiver');
      const core = this.#core;
      status = core.tryPop();
      if (status === WOULD_BLOCK) status = core.block(this.#pop, 'rx', Number.POSITIVE_INFINITY);
    } catch (error) {
      this.#done = true;
      throw error;
    }
    if (status !== OK) {
      this.#done = true;
      return DONE;
    }
    return { value: this.#core.value, done: false };
  }

  return(): IteratorResult<number, void> {
    this.#done = true;
    return DONE;
  }

  throw(error: unknown): never {
    this.#done = true;
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.#done = true;
  }
}

// %IteratorPrototype%: what generator objects inherit too (iterator helpers on Node 22+).
Object.setPrototypeOf(Values.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
Object.defineProperty(Values.prototype, Symbol.toStringTag, { value: 'Generator', configurable: true });

const receiverBrand = brand('Receiver');

/**
 * The receiving end of a channel. Many receivers may share a channel (`clone()`); each value goes
 * to exactly one of them. Iterating (sync in workers, `for await` anywhere) ends when the channel
 * is empty and every sender is closed.
 *
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(8);
 * await scope(async (s) => {
 *   s.spawn((tx) => { tx.send(1); tx.send(2); }, tx);
 *   let sum = 0;
 *   for await (const n of rx) sum += n;
 *   console.log(sum); // 3
 * });
 * ```
 */
export class Receiver {
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is a user's subclass when it is not the class itself
    return isBranded(value, receiverBrand, this, Receiver);
  }

  readonly #core: ChannelCore;
  readonly #own: EndOwnership;

  /** @internal Ends are made by `syncChannel`, `channel`, `clone()` and crossing into a thread. */
  constructor(core: ChannelCore, own: EndOwnership) {
    this.#core = core;
    this.#own = own;
    core.initReceiver();
    // A thread closes the ends it still holds when its task ends, as Rust drops them.
    onTaskEnd(this, () => this.close());
  }

  /**
   * Revives a moved receiver in a thread (the crossing protocol's `revive`).
   *
   * @example
   * ```ts
   * const rx = Receiver.fromShared(data); // data from the thread's crossing marker
   * ```
   */
  static fromShared(data: SharedEnd): Receiver {
    return new Receiver(
      new ChannelCore(data.buffer),
      EndOwnership.revive(data.token, data.account, data.counted ?? false),
    );
  }

  /**
   * The channel's capacity (0 for a rendezvous channel).
   *
   * @example
   * ```ts
   * syncChannel(0)[1].capacity; // 0
   * ```
   */
  get capacity(): number {
    return this.#core.capacity;
  }

  /**
   * Whether this end can no longer receive: closed here, or moved into a thread.
   *
   * @example
   * ```ts
   * rx.close(); rx.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.#own.moved || this.#own.closed;
  }

  /**
   * How many values wait in the channel now (a snapshot while others send and receive).
   *
   * @example
   * ```ts
   * const [tx, rx] = syncChannel(4);
   * tx.trySend(1); rx.length; // 1
   * ```
   */
  get length(): number {
    return this.#core.length();
  }

  /**
   * Receives a value, blocking the thread while the channel is empty. For worker threads: on
   * the main thread use `recvAsync`.
   *
   * @returns the next value
   * @throws ChannelClosedError when the channel is empty and every sender is closed
   * @example
   * ```ts
   * s.spawn((rx) => rx.recv() * 2, rx);
   * ```
   */
  recv(): number {
    return this.#take(this.#receive(Number.POSITIVE_INFINITY), 0);
  }

  /**
   * Receives a value, waiting at most `ms` milliseconds (blocking, like `recv`).
   *
   * @param ms - how long to wait, >= 0
   * @throws TimeoutError when nothing came in time
   * @throws ChannelClosedError when the channel is empty and every sender is closed
   * @example
   * ```ts
   * try { rx.recvTimeout(100); } catch (e) { if (e instanceof TimeoutError) console.log('idle'); }
   * ```
   */
  recvTimeout(ms: number): number {
    checkTimeout(ms);
    return this.#take(this.#receive(performance.now() + ms), ms);
  }

  /**
   * Receives a value without blocking the event loop; the process stays alive while it waits.
   *
   * @returns the next value
   * @throws ChannelClosedError (as a rejection) when empty and every sender is closed
   * @example
   * ```ts
   * const first = await rx.recvAsync();
   * ```
   */
  async recvAsync(): Promise<number> {
    this.#own.ensureUsable('Receiver');
    const core = this.#core;
    let status = core.tryPop();
    if (status === WOULD_BLOCK) status = await core.blockAsync(this.#pop, 'rx', Number.POSITIVE_INFINITY);
    return this.#take(status, 0);
  }

  /**
   * Receives a value if one is there now.
   *
   * @returns the value, or `undefined` when the channel is empty
   * @throws ChannelClosedError when the channel is empty and every sender is closed
   * @example
   * ```ts
   * const n = rx.tryRecv();
   * if (n !== undefined) console.log(n);
   * ```
   */
  tryRecv(): number | undefined {
    this.#own.ensureUsable('Receiver');
    const status = this.#core.tryPop();
    if (status === WOULD_BLOCK) return undefined;
    return this.#take(status, 0);
  }

  /**
   * Another receiver on the same channel: the values are shared out among them.
   *
   * @example
   * ```ts
   * s.spawn(consumer, rx.clone());
   * s.spawn(consumer, rx);
   * ```
   */
  clone(): Receiver {
    this.#own.ensureUsable('Receiver');
    const core = this.#core;
    // Two receivers now: this one stops being the only one before the other exists.
    core.leaveExclusiveReceiver();
    core.addReceiver();
    // In a thread, counted against the end that moved in (the parent gives it back if the thread
    // is terminated or exits before closing it).
    return new Receiver(new ChannelCore(core.buffer), this.#own.forClone());
  }

  /**
   * Closes this end; closing twice, or a moved end, does nothing. When the last receiver closes,
   * senders fail with `ChannelClosedError`.
   *
   * @example
   * ```ts
   * rx.close();
   * ```
   */
  close(): void {
    offTaskEnd(this);
    if (this.#own.moved) return;
    this.#core.leaveExclusiveReceiver();
    if (this.#own.claimClose()) this.#core.dropReceiver();
    // A wait of this end still pending (`recvAsync` not awaited) fails now.
    this.#core.wakeOwnWaits('rx');
  }

  /** Disposes by closing, for `using rx = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Blocking iteration (workers): yields each value until the channel is empty and every sender
   * is closed.
   *
   * @example
   * ```ts
   * s.spawn((rx) => { let sum = 0; for (const n of rx) sum += n; return sum; }, rx);
   * ```
   */
  [Symbol.iterator](): Generator<number, void, undefined> {
    return new Values(this.#core, this.#own, this.#pop) as unknown as Generator<number, void, undefined>;
  }

  /**
   * Async iteration: yields each value until the channel is empty and every sender is closed,
   * keeping the process alive meanwhile.
   *
   * @example
   * ```ts
   * for await (const p of rx) console.log(herd.memory.str(p));
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<number, void, undefined> {
    const core = this.#core;
    for (;;) {
      this.#own.ensureUsable('Receiver');
      let status = core.tryPop();
      if (status === WOULD_BLOCK) status = await core.blockAsync(this.#pop, 'rx', Number.POSITIVE_INFINITY);
      if (status === DISCONNECTED) return;
      yield this.#take(status, 0);
    }
  }

  /** The crossing protocol: moves this end into a thread. */
  [CROSSING](): Crossing {
    this.#own.ensureUsable('Receiver');
    const own = this.#own;
    const core = this.#core;
    // The copy in the thread starts from what is in shared memory: publish this end's position.
    core.leaveExclusiveReceiver();
    return {
      module: import.meta.url,
      revive: 'Receiver.fromShared',
      data: { buffer: core.buffer, token: own.cell.buffer, ...own.crossingData() } satisfies SharedEnd,
      sent: () => {
        own.moved = true;
        offTaskEnd(this);
        core.wakeOwnWaits('rx');
      },
      done: () => {
        // The moved end, and the clones made from it in the thread and left open there (a
        // terminated thread, or one that called process.exit, closed none of them).
        if (own.claimClose()) core.dropReceiver();
        const left = own.reclaimClones();
        if (left > 0) core.dropReceiver(left);
      },
    };
  }

  #receive(deadline: number): number {
    this.#own.ensureUsable('Receiver');
    const core = this.#core;
    const status = core.tryPop();
    if (status !== WOULD_BLOCK) return status;
    return core.block(this.#pop, 'rx', deadline);
  }

  /** A retry while blocked: the end may have been closed or moved meanwhile (async forms). */
  readonly #pop = (): number => {
    this.#own.ensureUsable('Receiver');
    return this.#core.tryPop();
  };

  #take(status: number, ms: number): number {
    if (status === OK) return this.#core.value;
    if (status === TIMED_OUT) throw new TimeoutError(`recvTimeout: nothing arrived within ${ms} ms`);
    throw disconnected();
  }
}

stamp(Receiver, receiverBrand);
