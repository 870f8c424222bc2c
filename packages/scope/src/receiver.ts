import { herdClass } from '@herd/shared';
import { checkInto, checkRecvOptions, checkTimeout, type RecvOptions } from './channel-checks.js';
import { ABORTED, ChannelCore, DISCONNECTED, type NumberArray, OK, TIMED_OUT } from './channel-core.js';
import { ChannelEnd } from './channel-end.js';
import { EndOwnership, type SharedEnd } from './end-ownership.js';
import { AbortError, ChannelClosedError, TimeoutError } from './errors.js';
import type { BlockingUse } from './main-thread.js';
import { AsyncValues, Values } from './receiver-iterators.js';

const disconnected = () =>
  new ChannelClosedError('receive on an empty channel whose senders are all closed: nothing more can come');

const EMPTY = 'the channel is empty';
const BUSY_RECEIVER = 'another receiver is in the middle of a receive';
const RECV: BlockingUse = {
  method: 'recv',
  why: EMPTY,
  busy: BUSY_RECEIVER,
  instead: 'await rx.recvAsync()',
};
const RECV_TIMEOUT: BlockingUse = {
  method: 'recvTimeout',
  why: EMPTY,
  busy: BUSY_RECEIVER,
  instead: 'await rx.recvAsync({ timeout: ms })',
};
const ITERATE: BlockingUse = {
  method: 'for...of over a Receiver',
  why: EMPTY,
  busy: BUSY_RECEIVER,
  instead: 'for await...of',
};
const RECV_MANY: BlockingUse = {
  method: 'recvMany',
  why: EMPTY,
  busy: BUSY_RECEIVER,
  instead: 'await rx.recvManyAsync(into)',
};
const RECV_MANY_TIMEOUT: BlockingUse = {
  method: 'recvManyTimeout',
  why: EMPTY,
  busy: BUSY_RECEIVER,
  instead: 'await rx.recvManyAsync(into, { timeout: ms })',
};

/**
 * The receiving end of a channel. Many receivers may share a channel (`clone()`); each value goes
 * to exactly one of them. Iterating (sync in workers, `for await` anywhere) ends when the channel
 * is empty and every sender is closed.
 *
 * The blocking forms (`recv`, `recvTimeout`, `recvMany`, `recvManyTimeout`, `for...of`) are for
 * worker threads. On a main thread they take what is there and never wait: where they would have
 * to, they throw a `TypeError` naming the async form to use.
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
export class Receiver extends ChannelEnd {
  /** @internal Ends are made by `syncChannel`, `channel`, `clone()` and crossing into a thread. */
  constructor(core: ChannelCore, own: EndOwnership) {
    super(core, own, 'rx');
  }

  /**
   * Revives a moved receiver in a thread (the crossing protocol's `revive`).
   *
   * @example
   * ```ts
   * const { data } = rx[CROSSING](); // what crosses when `rx` is passed to a thread
   * const moved = Receiver.fromShared(data as SharedEnd);
   * ```
   */
  static fromShared(data: SharedEnd): Receiver {
    return new Receiver(new ChannelCore(data.buffer), EndOwnership.revive(data));
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
    return this.core.length();
  }

  /**
   * Receives a value, blocking the thread while the channel is empty. For worker threads: on a
   * main thread it takes a value that is there, and throws a `TypeError` (use `recvAsync`) where
   * it would have to wait.
   *
   * @returns the next value
   * @throws ChannelClosedError when the channel is empty and every sender is closed
   * @throws TypeError on a main thread, when the channel is empty
   * @example
   * ```ts
   * s.spawn((rx) => rx.recv() * 2, rx);
   * ```
   */
  recv(): number {
    this.own.ensureUsable('Receiver');
    const core = this.core;
    let status = core.tryPop();
    if (status !== OK && status !== DISCONNECTED) {
      status = this.waitSync(this.#pop, Number.POSITIVE_INFINITY, RECV);
    }
    if (status === OK) return core.value;
    throw disconnected();
  }

  /**
   * Receives a value, waiting at most `ms` milliseconds (blocking, like `recv`). On a main thread
   * only `recvTimeout(0)` may find the channel empty (then `TimeoutError`); a longer wait throws
   * a `TypeError`: use `recvAsync({ timeout: ms })` there.
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
    this.own.ensureUsable('Receiver');
    const core = this.core;
    const deadline = performance.now() + ms;
    let status = core.tryPop();
    if (status !== OK && status !== DISCONNECTED) status = this.waitSync(this.#pop, deadline, RECV_TIMEOUT);
    if (status === OK) return core.value;
    if (status === TIMED_OUT) throw new TimeoutError(`recvTimeout: nothing arrived within ${ms} ms`);
    throw disconnected();
  }

  /**
   * Receives a value without blocking the event loop; the process stays alive while it waits.
   *
   * @param options - `timeout` (ms) and `signal`: stop waiting; no value is taken after that
   * @returns the next value
   * @throws ChannelClosedError (as a rejection) when empty and every sender is closed
   * @throws TimeoutError, AbortError (as rejections) when the timeout passed or the signal aborted
   * @example
   * ```ts
   * const first = await rx.recvAsync();
   * const next = await rx.recvAsync({ timeout: 100 });
   * ```
   */
  async recvAsync(options?: RecvOptions): Promise<number> {
    const { deadline, signal } = checkRecvOptions(options);
    this.own.ensureUsable('Receiver');
    if (signal?.aborted) throw aborted('recvAsync', signal);
    const core = this.core;
    let status = core.tryPop();
    if (status === OK) return core.value;
    if (status === DISCONNECTED) throw disconnected();
    let value = 0;
    // Another async operation of this end may run before this one resumes: keep the value here.
    status = await core.blockAsync(
      () => {
        const popped = this.#pop();
        if (popped === OK) value = core.value;
        return popped;
      },
      'rx',
      deadline,
      signal,
    );
    if (status === OK) return value;
    throw waitFailed('recvAsync', status, options, signal);
  }

  /**
   * Receives a value if one is there now; never waits. With several receivers it also returns
   * `undefined` when another receiver is stopped in the middle of its receive (descheduled, or
   * dead and not yet repaired).
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
    this.own.ensureUsable('Receiver');
    const core = this.core;
    const status = core.tryPop();
    if (status === OK) return core.value;
    if (status === DISCONNECTED) throw disconnected();
    return undefined;
  }

  /**
   * Waits for at least one value, then takes as many as are there, up to `into.length`, into
   * `into` from index 0: one synchronisation for the lot. Returns how many; 0 once the channel
   * is empty and every sender closed (as tokio's `recv_many`). Blocks the thread; for worker
   * threads. On a main thread it takes what is there, and throws a `TypeError` (use
   * `recvManyAsync`) when the channel is empty.
   *
   * @param into - a numeric typed array (`Float64Array` keeps every number exact; a
   *   `Uint32Array` suits Ptrs), at least one long
   * @returns how many values were written to `into`, 0 when the channel is closed and drained
   * @example
   * ```ts
   * s.spawn((rx) => {
   *   const batch = new Float64Array(1024);
   *   let sum = 0;
   *   for (let n = rx.recvMany(batch); n > 0; n = rx.recvMany(batch)) for (let i = 0; i < n; i++) sum += batch[i];
   *   return sum;
   * }, rx);
   * ```
   */
  recvMany(into: NumberArray): number {
    checkInto(into);
    this.own.ensureUsable('Receiver');
    const core = this.core;
    let status = core.tryPopMany(into, 0, into.length);
    if (status !== OK && status !== DISCONNECTED) {
      status = this.waitSync(() => this.#popMany(into), Number.POSITIVE_INFINITY, RECV_MANY);
    }
    return status === OK ? core.count : 0;
  }

  /**
   * `recvMany`, waiting at most `ms` milliseconds for the first value.
   *
   * @param into - a numeric typed array, at least one long
   * @param ms - how long to wait, >= 0
   * @returns how many values were written to `into`, 0 when the channel is closed and drained
   * @throws TimeoutError when nothing came in time
   * @example
   * ```ts
   * const batch = new Float64Array(1024);
   * const n = rx.recvManyTimeout(batch, 10); // flush at least every 10 ms
   * ```
   */
  recvManyTimeout(into: NumberArray, ms: number): number {
    checkInto(into);
    checkTimeout(ms);
    this.own.ensureUsable('Receiver');
    const core = this.core;
    const deadline = performance.now() + ms;
    let status = core.tryPopMany(into, 0, into.length);
    if (status !== OK && status !== DISCONNECTED) {
      status = this.waitSync(() => this.#popMany(into), deadline, RECV_MANY_TIMEOUT);
    }
    if (status === TIMED_OUT) throw new TimeoutError(`recvManyTimeout: nothing arrived within ${ms} ms`);
    return status === OK ? core.count : 0;
  }

  /**
   * `recvMany` without blocking the event loop: awaits the first value, then takes what is
   * there. The process stays alive while it waits.
   *
   * @param into - a numeric typed array, at least one long
   * @param options - `timeout` (ms) and `signal`: stop waiting; nothing is taken after that
   * @returns how many values were written to `into`, 0 when the channel is closed and drained
   * @throws TimeoutError, AbortError (as rejections) when the timeout passed or the signal aborted
   * @example
   * ```ts
   * const batch = new Float64Array(4096);
   * for (let n = await rx.recvManyAsync(batch); n > 0; n = await rx.recvManyAsync(batch)) {
   *   for (let k = 0; k < n; k++) console.log(batch[k]);
   * }
   * ```
   */
  async recvManyAsync(into: NumberArray, options?: RecvOptions): Promise<number> {
    checkInto(into);
    const { deadline, signal } = checkRecvOptions(options);
    this.own.ensureUsable('Receiver');
    if (signal?.aborted) throw aborted('recvManyAsync', signal);
    const core = this.core;
    let status = core.tryPopMany(into, 0, into.length);
    if (status === OK) return core.count;
    if (status === DISCONNECTED) return 0;
    let count = 0;
    status = await core.blockAsync(
      () => {
        const popped = this.#popMany(into);
        if (popped === OK) count = core.count;
        return popped;
      },
      'rx',
      deadline,
      signal,
    );
    if (status === OK) return count;
    if (status === DISCONNECTED) return 0;
    throw waitFailed('recvManyAsync', status, options, signal);
  }

  /**
   * Another receiver on the same channel: the values are shared out among them.
   *
   * @example
   * ```ts
   * const consumer = (rx: Receiver) => { for (const n of rx) console.log(n); };
   * s.spawn(consumer, rx.clone());
   * s.spawn(consumer, rx);
   * ```
   */
  clone(): Receiver {
    const own = this.cloneOwnership();
    return new Receiver(new ChannelCore(this.core.buffer), own);
  }

  /**
   * Blocking iteration (workers): yields each value until the channel is empty and every sender
   * is closed. On a main thread it yields what is there and throws a `TypeError` (use
   * `for await`) where it would have to wait.
   *
   * @example
   * ```ts
   * s.spawn((rx) => { let sum = 0; for (const n of rx) sum += n; return sum; }, rx);
   * ```
   */
  [Symbol.iterator](): Generator<number, void, undefined> {
    const wait = () => this.waitSync(this.#pop, Number.POSITIVE_INFINITY, ITERATE);
    return new Values(this.core, this.own, wait) as unknown as Generator<number, void, undefined>;
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
  [Symbol.asyncIterator](): AsyncGenerator<number, void, undefined> {
    const core = this.core;
    const wait = async (): Promise<IteratorResult<number, void>> => {
      let value = 0;
      const status = await core.blockAsync(
        () => {
          const popped = this.#pop();
          if (popped === OK) value = core.value;
          return popped;
        },
        'rx',
        Number.POSITIVE_INFINITY,
      );
      return status === OK ? { value, done: false } : { value: undefined, done: true };
    };
    return new AsyncValues(core, this.own, wait) as unknown as AsyncGenerator<number, void, undefined>;
  }

  /** A retry while blocked: the end may have been closed or moved meanwhile (async forms). */
  readonly #pop = (): number => {
    this.own.ensureUsable('Receiver');
    return this.core.tryPop();
  };

  #popMany(into: NumberArray): number {
    this.own.ensureUsable('Receiver');
    return this.core.tryPopMany(into, 0, into.length);
  }
}

herdClass(Receiver, 'Receiver');

function aborted(method: string, signal: AbortSignal): AbortError {
  return new AbortError(`${method} was aborted`, { cause: signal.reason });
}

/** The rejection of an async receive that stopped waiting. */
function waitFailed(
  method: string,
  status: number,
  options: RecvOptions | undefined,
  signal: AbortSignal | undefined,
): Error {
  if (status === TIMED_OUT)
    return new TimeoutError(`${method}: nothing arrived within ${options?.timeout} ms`);
  if (status === ABORTED && signal !== undefined) return aborted(method, signal);
  return disconnected();
}
