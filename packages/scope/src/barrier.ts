import { herdClass, isMainThread, show } from '@herd/shared';
import {
  ARRIVED_MASK,
  BARRIER_WORDS,
  BROKEN,
  BROKEN_BY,
  GEN_MASK,
  GEN_SHIFT,
  generation,
  MAX_PARTIES,
  PARTIES,
  STATE,
} from './barrier-layout.js';
import { crossingModule } from './crossing-module-node.js';
import { BrokenBarrierError, TimeoutError } from './errors.js';
import { mainThreadWait } from './main-thread.js';
import { CROSSING, type Crossing } from './runtime/crossing.js';
import {
  abortedWait,
  checkWaitOptions,
  endedWait,
  type WaitAsyncOptions,
  type WaitOptions,
} from './sync-checks.js';
import { openShared, primitiveWords, type SharedSync, sharedCrossing } from './sync-crossing.js';
import { BARRIER_KIND, syncTag } from './sync-layout.js';
import { AsyncWait, park } from './sync-wait.js';

/**
 * What a barrier wait returns (Rust's `BarrierWaitResult`).
 *
 * @example
 * ```ts
 * if (barrier.wait().isLeader) console.log('every party arrived; this one was last');
 * ```
 */
export interface BarrierWaitResult {
  /** True for exactly one party of each round: the one whose arrival completed it. */
  readonly isLeader: boolean;
}

const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

// What an arrival or a withdrawal found (an arrival that waits gets its generation, >= 0).
const LED = -1;
const IS_BROKEN = -2;
const WOULD_WAIT = -3;
const PASSED = -4;
const WITHDRAWN = -5;

/**
 * A barrier in shared memory, as Rust's `Barrier` in an `Arc`: each round, `n` parties call
 * `wait()`, the first `n - 1` wait, and the `n`th lets them all go and is told it is the leader.
 * The barrier is reused round after round. Passing it to `s.spawn` (or a pool call's
 * `with(ctx)`) shares it.
 *
 * `wait` blocks and is for worker threads; on a main thread it passes only as the last party of
 * a round (the leader), and otherwise throws a `TypeError`: use `waitAsync`.
 *
 * A thread the barrier crossed into that dies (terminated, crashed, exited) is a party that will
 * never arrive: the barrier breaks, and every wait pending then, and every later one, throws
 * `BrokenBarrierError` (Java's `BrokenBarrierException`) rather than waiting forever.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(4);
 * await scope((s) => {
 *   for (let t = 0; t < 4; t++) {
 *     s.spawn((barrier) => {
 *       for (let round = 0; round < 10; round++) {
 *         // ... this round's work ...
 *         if (barrier.wait().isLeader) console.log(`round ${round} done`);
 *       }
 *     }, barrier);
 *   }
 * });
 * ```
 */
export class Barrier {
  readonly #words: Int32Array;
  readonly #parties: number;
  readonly #onMain: boolean;

  /**
   * A barrier for `n` parties a round. As in Rust, 0 behaves as 1: every wait is the leader.
   *
   * @param n - the parties of each round, an integer from 0 to 2^20 - 1
   * @throws TypeError / RangeError when `n` is not such an integer
   * @example
   * ```ts
   * const barrier = new Barrier(4);
   * ```
   */
  constructor(n: number) {
    const words = primitiveWords(BARRIER_KIND, BARRIER_WORDS, (fresh) => {
      if (typeof n !== 'number') throw new TypeError(`n must be a number, got ${show(n)}`);
      if (!Number.isInteger(n) || n < 0 || n > MAX_PARTIES) {
        throw new RangeError(`n must be an integer from 0 to ${MAX_PARTIES}, got ${show(n)}`);
      }
      fresh[PARTIES] = n;
    });
    this.#words = words;
    this.#parties = Atomics.load(words, PARTIES);
    this.#onMain = isMainThread();
  }

  /**
   * Revives a barrier in a thread (the crossing protocol's `revive`): the same barrier.
   *
   * @example
   * ```ts
   * const revived = Barrier.fromShared(barrier[CROSSING]().data as SharedSync); // in a thread, from what crossed
   * ```
   */
  static fromShared(data: SharedSync): Barrier {
    openShared(data, BARRIER_KIND, 'Barrier', BARRIER_WORDS);
    return new Barrier(0);
  }

  /**
   * The parties of each round, `n`.
   *
   * @example
   * ```ts
   * new Barrier(4).parties; // 4
   * ```
   */
  get parties(): number {
    return this.#parties;
  }

  /**
   * Whether a thread the barrier crossed into died, so that no round completes any more.
   *
   * @example
   * ```ts
   * if (barrier.isBroken) console.log('a party died');
   * ```
   */
  get isBroken(): boolean {
    return (Atomics.load(this.#words, STATE) & BROKEN) !== 0;
  }

  /**
   * Arrives, and blocks until every party of the round arrived. For worker threads: on a main
   * thread it passes only as the last party (the leader), and otherwise throws a `TypeError`
   * (use `waitAsync`) without arriving.
   *
   * @param options - `timeout` (ms): give up then with `TimeoutError`, taking the arrival back
   *   (unless the round completed first: then the wait passed)
   * @returns `{ isLeader }`: true for the one party whose arrival completed the round
   * @throws BrokenBarrierError when a thread the barrier crossed into died
   * @throws TimeoutError when the round was not complete after `timeout` ms
   * @example
   * ```ts
   * s.spawn((barrier: Barrier, cells: Int32Array) => {
   *   cells[0] = 1; // step 1
   *   barrier.wait(); // every party finished step 1
   *   console.log(cells[1]); // step 2 reads what the others wrote
   * }, barrier, shared);
   * ```
   */
  wait(options?: WaitOptions): BarrierWaitResult {
    const { deadline, timeout } = checkWaitOptions(options, false, 'wait');
    if (this.#onMain) {
      const arrived = this.#arrive(true);
      if (arrived === LED) return LEADER;
      if (arrived === IS_BROKEN) throw this.#broken('wait');
      if (deadline <= performance.now()) throw timedOut('wait', timeout);
      const instead =
        timeout === undefined ? 'await barrier.waitAsync()' : 'await barrier.waitAsync({ timeout: ms })';
      throw mainThreadWait('wait', 'not every party of the round has arrived', instead);
    }
    const gen = this.#arrive(false);
    if (gen === LED) return LEADER;
    if (gen === IS_BROKEN) throw this.#broken('wait');
    const words = this.#words;
    for (;;) {
      const state = Atomics.load(words, STATE);
      if (generation(state) !== gen) return FOLLOWER;
      if ((state & BROKEN) !== 0) throw this.#broken('wait');
      if (!park(words, STATE, state, deadline)) {
        const left = this.#withdraw(gen);
        if (left === PASSED) return FOLLOWER;
        if (left === IS_BROKEN) throw this.#broken('wait');
        throw timedOut('wait', timeout);
      }
    }
  }

  /**
   * Arrives, and awaits the other parties without blocking the event loop; the process stays
   * alive meanwhile. Anywhere, main thread included.
   *
   * @param options - `timeout` (ms) and `signal`: stop waiting, taking the arrival back (a round
   *   that completed first wins: the wait then passes)
   * @returns `{ isLeader }`
   * @throws BrokenBarrierError, TimeoutError, AbortError (as rejections)
   * @example
   * ```ts
   * const { isLeader } = await barrier.waitAsync({ timeout: 1000 });
   * ```
   */
  async waitAsync(options?: WaitAsyncOptions): Promise<BarrierWaitResult> {
    const { deadline, timeout, signal } = checkWaitOptions(options, true, 'waitAsync');
    if (signal?.aborted) throw abortedWait('waitAsync', signal);
    const gen = this.#arrive(false);
    if (gen === LED) return LEADER;
    if (gen === IS_BROKEN) throw this.#broken('waitAsync');
    const words = this.#words;
    const wait = new AsyncWait(
      signal,
      () => Atomics.notify(words, STATE),
      () => this.#withdraw(gen),
    );
    try {
      for (;;) {
        const state = Atomics.load(words, STATE);
        if (generation(state) !== gen) return FOLLOWER;
        if ((state & BROKEN) !== 0) throw this.#broken('waitAsync');
        if (wait.ended) throw endedWait('waitAsync');
        const inTime = wait.stopped === undefined && (await wait.park(words, STATE, state, deadline));
        if (inTime && wait.stopped === undefined) continue;
        if (wait.ended) throw endedWait('waitAsync');
        const left = this.#withdraw(gen);
        if (left === PASSED) return FOLLOWER;
        if (left === IS_BROKEN) throw this.#broken('waitAsync');
        throw wait.stopped === 'aborted' ? abortedWait('waitAsync', signal) : timedOut('waitAsync', timeout);
      }
    } finally {
      wait.finish();
    }
  }

  /**
   * The crossing protocol (docs/internals.md): shares this barrier with a thread. If the thread
   * dies, the barrier breaks (a party will never arrive), waking every waiter with
   * `BrokenBarrierError`.
   */
  [CROSSING](): Crossing {
    const words = this.#words;
    return sharedCrossing(
      {
        buffer: words.buffer as SharedArrayBuffer,
        lineage: undefined,
        repair: (_tags, threadId) => {
          // The first death is the one reported.
          Atomics.compareExchange(words, BROKEN_BY, 0, syncTag(threadId));
          Atomics.or(words, STATE, BROKEN);
          Atomics.notify(words, STATE);
        },
      },
      crossingModule,
      'Barrier.fromShared',
    );
  }

  /**
   * One arrival: LED (it completed the round), IS_BROKEN, or the round's generation (it waits).
   * `onlyIfLeader` (a main thread): arrives only if it completes the round, else WOULD_WAIT.
   */
  #arrive(onlyIfLeader: boolean): number {
    const words = this.#words;
    let state = Atomics.load(words, STATE);
    for (;;) {
      if ((state & BROKEN) !== 0) return IS_BROKEN;
      const gen = generation(state);
      const last = (state & ARRIVED_MASK) + 1 >= this.#parties;
      if (!last && onlyIfLeader) return WOULD_WAIT;
      const next = last ? ((gen + 1) & GEN_MASK) << GEN_SHIFT : state + 1;
      const was = Atomics.compareExchange(words, STATE, state, next);
      if (was === state) {
        if (!last) return gen;
        Atomics.notify(words, STATE);
        return LED;
      }
      state = was;
    }
  }

  /** Takes back an arrival of round `gen`: WITHDRAWN, or PASSED / IS_BROKEN if that came first. */
  #withdraw(gen: number): number {
    const words = this.#words;
    let state = Atomics.load(words, STATE);
    for (;;) {
      if (generation(state) !== gen) return PASSED;
      if ((state & BROKEN) !== 0) return IS_BROKEN;
      const was = Atomics.compareExchange(words, STATE, state, state - 1);
      if (was === state) return WITHDRAWN;
      state = was;
    }
  }

  #broken(method: string): BrokenBarrierError {
    const threadId = Atomics.load(this.#words, BROKEN_BY) - 1;
    return new BrokenBarrierError(
      `${method}: the barrier is broken: thread ${threadId}, which it had crossed into, died, ` +
        'and no round can complete without it',
      { threadId },
    );
  }
}

herdClass(Barrier, 'Barrier');

function timedOut(method: string, timeout: number | undefined): TimeoutError {
  return new TimeoutError(`${method}: not every party of the round arrived within ${timeout} ms`);
}
