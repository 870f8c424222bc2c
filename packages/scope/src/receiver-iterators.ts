// How a Receiver is iterated: `for...of` in a worker, `for await...of` anywhere. Both are objects
// of their own rather than generators: a generator pays a resume on every value, and an async
// generator also awaits every value it yields, which doubled the cost of a `for await` loop over
// a channel. These hand out a value the moment it is in the ring (`Promise.resolve` of a result,
// the least a `for await` loop can be given) and only wait when it is empty.
import { type ChannelCore, DISCONNECTED, OK } from './channel-core.js';
import type { EndOwnership } from './end-ownership.js';

const DONE: IteratorResult<number, void> = Object.freeze({ value: undefined, done: true });
const RESOLVED_DONE = Promise.resolve(DONE);

/** The sync iterator of a receiver; `wait` blocks until a value or the end (or throws on a main thread). */
export class Values {
  readonly #core: ChannelCore;
  readonly #own: EndOwnership;
  readonly #wait: () => number;
  #done = false;

  constructor(core: ChannelCore, own: EndOwnership, wait: () => number) {
    this.#core = core;
    this.#own = own;
    this.#wait = wait;
  }

  next(): IteratorResult<number, void> {
    if (this.#done) return DONE;
    let status: number;
    try {
      this.#own.ensureUsable('Receiver');
      status = this.#core.tryPop();
      if (status !== OK && status !== DISCONNECTED) status = this.#wait();
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

/**
 * The async iterator of a receiver. `wait` awaits a value (`blockAsync`) and resolves with the
 * status and the value it took. Calls of `next()` made while one waits are queued behind it, as an
 * async generator queues them, so values come out in the order of the calls.
 */
export class AsyncValues {
  readonly #core: ChannelCore;
  readonly #own: EndOwnership;
  readonly #wait: () => Promise<IteratorResult<number, void>>;
  #done = false;
  /** The last `next()` still waiting, if any: later calls go behind it. */
  #pending: Promise<IteratorResult<number, void>> | undefined;

  constructor(core: ChannelCore, own: EndOwnership, wait: () => Promise<IteratorResult<number, void>>) {
    this.#core = core;
    this.#own = own;
    this.#wait = wait;
  }

  next(): Promise<IteratorResult<number, void>> {
    const pending = this.#pending;
    if (pending !== undefined) {
      const next = () => this.#next();
      return this.#track(pending.then(next, next));
    }
    return this.#next();
  }

  #next(): Promise<IteratorResult<number, void>> {
    if (this.#done) return RESOLVED_DONE;
    let status: number;
    try {
      this.#own.ensureUsable('Receiver');
      status = this.#core.tryPop();
    } catch (error) {
      this.#done = true;
      return Promise.reject(error);
    }
    if (status === OK) return Promise.resolve({ value: this.#core.value, done: false });
    if (status === DISCONNECTED) {
      this.#done = true;
      return RESOLVED_DONE;
    }
    return this.#track(
      this.#wait().then(
        (result) => {
          if (result.done) this.#done = true;
          return result;
        },
        (error: unknown) => {
          this.#done = true;
          throw error;
        },
      ),
    );
  }

  #track(promise: Promise<IteratorResult<number, void>>): Promise<IteratorResult<number, void>> {
    this.#pending = promise;
    const settled = () => {
      if (this.#pending === promise) this.#pending = undefined;
    };
    promise.then(settled, settled);
    return promise;
  }

  return(): Promise<IteratorResult<number, void>> {
    this.#done = true;
    return RESOLVED_DONE;
  }

  throw(error: unknown): Promise<never> {
    this.#done = true;
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

// %AsyncIteratorPrototype%, what async generator objects inherit (`Symbol.asyncDispose` where
// the runtime has it).
Object.setPrototypeOf(
  AsyncValues.prototype,
  Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype),
);
Object.defineProperty(AsyncValues.prototype, Symbol.toStringTag, {
  value: 'AsyncGenerator',
  configurable: true,
});
