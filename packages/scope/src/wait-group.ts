import { herdClass, isMainThread, show } from '@herd/shared';
import { crossingModule } from './crossing-module-node.js';
import { BrokenWaitGroupError, TimeoutError } from './errors.js';
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
import { syncTag, WAIT_GROUP_KIND } from './sync-layout.js';
import { AsyncWait, park } from './sync-wait.js';
import { BROKEN, BROKEN_BY, COUNT, COUNT_MASK, MAX_COUNT, WAIT_GROUP_WORDS } from './wait-group-layout.js';

/**
 * A wait group in shared memory, as Go's `sync.WaitGroup` (crossbeam's `WaitGroup` with a count):
 * `add(n)` counts work to wait for, `done()` counts one piece finished, and `wait()` returns once
 * the count is zero. Passing it to `s.spawn` (or a pool call's `with(ctx)`) shares it.
 *
 * `wait` blocks and is for worker threads; on a main thread it returns if the count is zero, and
 * otherwise throws a `TypeError`: use `waitAsync`.
 *
 * A thread the group crossed into that dies (terminated, crashed, exited) while the count is above
 * zero may have owed a `done()` that will never come: the group breaks, and waits throw
 * `BrokenWaitGroupError` rather than wait forever, until the count reaches zero all the same.
 *
 * @example
 * ```ts
 * const wg = new WaitGroup();
 * wg.add(4);
 * await scope(async (s) => {
 *   const hits = new Int32Array(new SharedArrayBuffer(4));
 *   for (let t = 0; t < 4; t++) s.spawn((wg: WaitGroup, hits: Int32Array) => { Atomics.add(hits, 0, 1); wg.done(); }, wg, hits);
 *   await wg.waitAsync(); // all four are done with their work (maybe not yet returned)
 * });
 * ```
 */
export class WaitGroup {
  readonly #words: Int32Array;
  readonly #onMain: boolean;

  /**
   * A new wait group, counting zero.
   *
   * @example
   * ```ts
   * const wg = new WaitGroup();
   * ```
   */
  constructor() {
    const words = primitiveWords(WAIT_GROUP_KIND, WAIT_GROUP_WORDS);
    this.#words = words;
    this.#onMain = isMainThread();
  }

  /**
   * Revives a wait group in a thread (the crossing protocol's `revive`): the same group.
   *
   * @example
   * ```ts
   * const revived = WaitGroup.fromShared(wg[CROSSING]().data as SharedSync); // in a thread, from what crossed
   * ```
   */
  static fromShared(data: SharedSync): WaitGroup {
    openShared(data, WAIT_GROUP_KIND, 'WaitGroup', WAIT_GROUP_WORDS);
    return new WaitGroup();
  }

  /**
   * The count now (a snapshot while others add and finish).
   *
   * @example
   * ```ts
   * wg.add(2); wg.count; // 2
   * ```
   */
  get count(): number {
    return Atomics.load(this.#words, COUNT) & COUNT_MASK;
  }

  /**
   * Whether a thread the group crossed into died while the count was above zero (and the count
   * has not reached zero since).
   *
   * @example
   * ```ts
   * if (wg.isBroken) console.log('a thread died before it was done');
   * ```
   */
  get isBroken(): boolean {
    return (Atomics.load(this.#words, COUNT) & BROKEN) !== 0;
  }

  /**
   * Adds `n` to the count (Go's `Add`: `n` may be negative). Reaching zero wakes every waiter.
   *
   * @param n - an integer, 1 by default
   * @throws RangeError when the count would go below zero (nothing changes) or past 2^30 - 1
   * @example
   * ```ts
   * const items = [1, 2, 3];
   * wg.add(items.length);
   * ```
   */
  add(n = 1): void {
    if (typeof n !== 'number') throw new TypeError(`n must be a number, got ${show(n)}`);
    if (!Number.isInteger(n)) throw new RangeError(`n must be an integer, got ${show(n)}`);
    this.#change(n, 'add');
  }

  /**
   * Counts one piece of work finished: `add(-1)`.
   *
   * @throws RangeError when the count is zero already (nothing changes)
   * @example
   * ```ts
   * s.spawn((wg: WaitGroup, cells: Int32Array) => {
   *   try { Atomics.add(cells, 0, 1); } finally { wg.done(); }
   * }, wg, shared);
   * ```
   */
  done(): void {
    this.#change(-1, 'done');
  }

  /**
   * Blocks until the count is zero. For worker threads: on a main thread it returns if the count
   * is zero, and otherwise throws a `TypeError` (use `waitAsync`).
   *
   * @param options - `timeout` (ms): give up then with `TimeoutError`
   * @throws BrokenWaitGroupError when a thread the group crossed into died with work counted
   * @throws TimeoutError when the count was not zero after `timeout` ms
   * @example
   * ```ts
   * s.spawn((wg: WaitGroup, cells: Int32Array) => { wg.wait(); console.log(cells[0]); }, wg, shared);
   * ```
   */
  wait(options?: WaitOptions): void {
    const { deadline, timeout } = checkWaitOptions(options, false, 'wait');
    const words = this.#words;
    for (;;) {
      const word = Atomics.load(words, COUNT);
      if ((word & COUNT_MASK) === 0) return;
      if ((word & BROKEN) !== 0) throw this.#broken('wait');
      if (this.#onMain) {
        if (deadline <= performance.now()) throw timedOut('wait', timeout);
        const instead =
          timeout === undefined ? 'await wg.waitAsync()' : 'await wg.waitAsync({ timeout: ms })';
        throw mainThreadWait('wait', `the group still counts ${word & COUNT_MASK}`, instead);
      }
      if (!park(words, COUNT, word, deadline)) throw timedOut('wait', timeout);
    }
  }

  /**
   * Awaits a count of zero without blocking the event loop; the process stays alive meanwhile.
   * Anywhere, main thread included.
   *
   * @param options - `timeout` (ms) and `signal`: stop waiting
   * @throws BrokenWaitGroupError, TimeoutError, AbortError (as rejections)
   * @example
   * ```ts
   * await wg.waitAsync({ timeout: 5000 });
   * ```
   */
  async waitAsync(options?: WaitAsyncOptions): Promise<void> {
    const { deadline, timeout, signal } = checkWaitOptions(options, true, 'waitAsync');
    if (signal?.aborted) throw abortedWait('waitAsync', signal);
    const words = this.#words;
    let word = Atomics.load(words, COUNT);
    if ((word & COUNT_MASK) === 0) return;
    const wait = new AsyncWait(signal, () => Atomics.notify(words, COUNT));
    try {
      for (;;) {
        word = Atomics.load(words, COUNT);
        if ((word & COUNT_MASK) === 0) return;
        if ((word & BROKEN) !== 0) throw this.#broken('waitAsync');
        if (wait.stopped === 'aborted') throw abortedWait('waitAsync', signal);
        if (wait.stopped === 'ended') throw endedWait('waitAsync');
        if (!(await wait.park(words, COUNT, word, deadline))) throw timedOut('waitAsync', timeout);
      }
    } finally {
      wait.finish();
    }
  }

  /**
   * The crossing protocol (docs/internals.md): shares this group with a thread. If the thread
   * dies while the count is above zero, the group breaks, waking every waiter with
   * `BrokenWaitGroupError`.
   */
  [CROSSING](): Crossing {
    const words = this.#words;
    return sharedCrossing(
      {
        buffer: words.buffer as SharedArrayBuffer,
        lineage: undefined,
        repair: (_tags, threadId) => {
          Atomics.store(words, BROKEN_BY, syncTag(threadId));
          let word = Atomics.load(words, COUNT);
          while ((word & COUNT_MASK) !== 0 && (word & BROKEN) === 0) {
            const was = Atomics.compareExchange(words, COUNT, word, word | BROKEN);
            if (was === word) {
              Atomics.notify(words, COUNT);
              return;
            }
            word = was;
          }
        },
      },
      crossingModule,
      'WaitGroup.fromShared',
    );
  }

  #change(delta: number, method: string): void {
    const words = this.#words;
    let word = Atomics.load(words, COUNT);
    for (;;) {
      const count = (word & COUNT_MASK) + delta;
      if (count < 0) {
        throw new RangeError(
          method === 'done'
            ? 'done: the count is zero already: done() was called more times than add() counted'
            : `add(${delta}): the count would go below zero (it is ${word & COUNT_MASK})`,
        );
      }
      if (count > MAX_COUNT) throw new RangeError(`add(${delta}): the count would pass ${MAX_COUNT}`);
      const next = count === 0 ? 0 : count | (word & BROKEN);
      const was = Atomics.compareExchange(words, COUNT, word, next);
      if (was === word) {
        if (count === 0) Atomics.notify(words, COUNT);
        return;
      }
      word = was;
    }
  }

  #broken(method: string): BrokenWaitGroupError {
    const threadId = Atomics.load(this.#words, BROKEN_BY) - 1;
    return new BrokenWaitGroupError(
      `${method}: the wait group is broken: thread ${threadId}, which it had crossed into, died while ` +
        'it counted unfinished work, and the done() it may have owed will never come',
      { threadId },
    );
  }
}

herdClass(WaitGroup, 'WaitGroup');

function timedOut(method: string, timeout: number | undefined): TimeoutError {
  return new TimeoutError(`${method}: the count was still above zero after ${timeout} ms`);
}
