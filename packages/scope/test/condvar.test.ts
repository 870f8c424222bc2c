import {
  AbortError,
  Condvar,
  endIdleThreads,
  liveThreads,
  Mutex,
  type MutexGuard,
  scope,
  type WaitTimeoutResult,
} from '@herd/scope';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CELLS, cellAt, HIGH } from '../src/condvar-layout.js';
import { LOCK } from '../src/mutex-layout.js';
import { outcome, pending, reached, settled, sleep, soon, wordsOf } from './sync-helpers.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

/** Every waiter cell of `condvar` is free. */
function cellsFree(condvar: Condvar): boolean {
  const words = wordsOf(condvar);
  const high = Atomics.load(words, HIGH);
  for (let cell = 0; cell < high; cell++) if (Atomics.load(words, cellAt(cell)) !== 0) return false;
  return true;
}

describe('Condvar between threads', () => {
  it('should pass every item of a bounded queue guarded by a Mutex to exactly one consumer', async () => {
    const producers = 3;
    const consumers = 3;
    const perProducer = 20_000;
    const capacity = 8;
    const mutex = new Mutex();
    const notEmpty = new Condvar();
    const notFull = new Condvar();
    // queue: [head, tail, producers done, ...ring of `capacity` slots]; seen: a count per item.
    const queue = new Int32Array(new SharedArrayBuffer((3 + capacity) * 4));
    const seen = new Int32Array(new SharedArrayBuffer(producers * perProducer * 4));
    await scope((s) => {
      for (let p = 0; p < producers; p++) {
        s.spawn(
          (
            mutex: Mutex,
            notEmpty: Condvar,
            notFull: Condvar,
            queue: Int32Array,
            p: number,
            n: number,
            cap: number,
          ) => {
            for (let i = 0; i < n; i++) {
              const guard = mutex.lock();
              while (queue[1]! - queue[0]! === cap) notFull.wait(guard);
              queue[3 + (queue[1]! % cap)] = p * n + i;
              queue[1]!++;
              notEmpty.notifyOne();
              guard.unlock();
            }
            const guard = mutex.lock();
            queue[2]!++;
            notEmpty.notifyAll();
            guard.unlock();
          },
          mutex,
          notEmpty,
          notFull,
          queue,
          p,
          perProducer,
          capacity,
        );
      }
      for (let c = 0; c < consumers; c++) {
        s.spawn(
          (
            mutex: Mutex,
            notEmpty: Condvar,
            notFull: Condvar,
            queue: Int32Array,
            seen: Int32Array,
            cap: number,
            producers: number,
          ) => {
            for (;;) {
              const guard = mutex.lock();
              while (queue[1] === queue[0] && queue[2]! < producers) notEmpty.wait(guard);
              if (queue[1] === queue[0]) {
                guard.unlock();
                return;
              }
              const item = queue[3 + (queue[0]! % cap)]!;
              queue[0]!++;
              notFull.notifyOne();
              guard.unlock();
              seen[item]!++;
            }
          },
          mutex,
          notEmpty,
          notFull,
          queue,
          seen,
          capacity,
          producers,
        );
      }
    });
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(queue[0]).toBe(producers * perProducer);
    expect(cellsFree(notEmpty) && cellsFree(notFull)).toBe(true);
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should wake exactly one waiter per notifyOne, the oldest first, and every waiter on notifyAll', async () => {
    const waiters = 4;
    const mutex = new Mutex();
    const condvar = new Condvar();
    // shared: [registered, phase, woken, ...per registration order: the phase seen on waking]
    const shared = new Int32Array(new SharedArrayBuffer((3 + waiters) * 4));
    const done = scope((s) => {
      for (let w = 0; w < waiters; w++) {
        s.spawn(
          (mutex: Mutex, condvar: Condvar, shared: Int32Array) => {
            const guard = mutex.lock();
            const order = shared[0]!++;
            condvar.wait(guard); // once: a waiter wakes only when notified
            shared[3 + order] = shared[1]!;
            shared[2]!++;
            guard.unlock();
          },
          mutex,
          condvar,
          shared,
        );
      }
    });
    // Once the main thread holds the lock and sees every waiter registered, all are in their wait.
    for (;;) {
      const guard = await mutex.lockAsync();
      const all = shared[0] === waiters;
      guard.unlock();
      if (all) break;
      await sleep(1);
    }
    const step = async (phase: number, notify: 'one' | 'all', woken: number) => {
      const guard = await mutex.lockAsync();
      shared[1] = phase;
      if (notify === 'one') condvar.notifyOne();
      else condvar.notifyAll();
      guard.unlock();
      await reached(shared, 2, woken);
    };
    await step(1, 'one', 1);
    await step(2, 'one', 2);
    await step(3, 'all', waiters);
    await done;
    // Registration order 0 woke at phase 1, order 1 at phase 2, the rest at the notifyAll.
    expect([...shared.subarray(3)]).toEqual([1, 2, 3, 3]);
    expect(cellsFree(condvar)).toBe(true);
  });

  it('should lose a notify nobody waits for, and time a wait out in a thread', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    condvar.notifyOne();
    condvar.notifyAll();
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const result = scope((s) =>
      s
        .spawn(
          (mutex: Mutex, condvar: Condvar, flags: Int32Array) => {
            const guard = mutex.lock();
            const first = condvar.waitTimeout(guard, 20);
            const heldAfter = guard.held;
            Atomics.store(flags, 0, 1);
            const second = condvar.waitTimeout(guard, 60_000);
            guard.unlock();
            return [first.timedOut, heldAfter, second.timedOut];
          },
          mutex,
          condvar,
          flags,
        )
        .join(),
    );
    await reached(flags, 0, 1);
    // The thread set the flag holding the lock, and lets it go only once it waits again.
    const guard = await mutex.lockAsync();
    condvar.notifyOne();
    guard.unlock();
    expect(await result).toEqual([true, true, false]);
    expect(cellsFree(condvar)).toBe(true);
  });

  it('should wake a waitAsync on the main thread from a thread, the mutex held again', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const state = new Int32Array(new SharedArrayBuffer(4));
    await scope(async (s) => {
      const guard = await mutex.lockAsync();
      s.spawn(
        (mutex: Mutex, condvar: Condvar, state: Int32Array) => {
          const guard = mutex.lock();
          state[0] = 42;
          condvar.notifyOne();
          guard.unlock();
        },
        mutex,
        condvar,
        state,
      );
      while (state[0] !== 42) {
        const result: WaitTimeoutResult = await condvar.waitAsync(guard, { timeout: 10_000 });
        expect(result.timedOut).toBe(false);
        expect(guard.held).toBe(true);
      }
      guard.unlock();
    });
    expect(cellsFree(condvar)).toBe(true);
  });
});

describe('Condvar on the main thread', () => {
  it('should refuse a blocking wait, naming waitAsync, and keep the lock', () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const guard = mutex.lock();
    expect(() => condvar.wait(guard)).toThrow(
      new TypeError(
        'wait would have to wait (a condvar wait always waits for a notify), and blocking waits are not allowed on the main thread: ' +
          'use await condvar.waitAsync(guard) there',
      ),
    );
    expect(() => condvar.waitTimeout(guard, 5)).toThrow(
      /use await condvar\.waitAsync\(guard, \{ timeout: ms \}\)/,
    );
    expect(condvar.waitTimeout(guard, 0)).toEqual({ timedOut: true });
    expect(guard.held).toBe(true);
    expect(cellsFree(condvar)).toBe(true);
    guard.unlock();
  });

  it('should refuse a guard that does not hold its lock, and an unlock in the middle of a wait', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const guard = mutex.lock();
    const waiting = condvar.waitAsync(guard);
    expect(() => guard.unlock()).toThrow(/this guard is in a Condvar wait/);
    expect(guard.held).toBe(false);
    await expect(condvar.waitAsync(guard)).rejects.toThrow(/guard must hold its lock/);
    condvar.notifyOne();
    await waiting;
    guard.unlock();
    await expect(condvar.waitAsync(guard)).rejects.toThrow(
      new TypeError('waitAsync: guard must hold its lock (it was unlocked, or is in another wait)'),
    );
    expect(() => condvar.wait({} as MutexGuard)).toThrow(/guard must be a MutexGuard/);
    expect(() => condvar.waitTimeout(mutex.lock(), -1)).toThrow(RangeError);
  });

  it('should time out and abort a waitAsync, the lock held again and no cell left taken', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const guard = await mutex.lockAsync();
    expect(await condvar.waitAsync(guard, { timeout: 10 })).toEqual({ timedOut: true });
    expect(guard.held).toBe(true);
    const controller = new AbortController();
    const aborted = outcome(condvar.waitAsync(guard, { signal: controller.signal }));
    expect(await soon(aborted)).toBe(pending);
    expect(cellsFree(condvar)).toBe(false);
    controller.abort('stop');
    const error = await aborted;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('stop');
    expect(guard.held).toBe(true);
    expect(cellsFree(condvar)).toBe(true);
    // An aborted wait took no wake-up: a notify now is lost, as nobody waits.
    condvar.notifyOne();
    expect(await condvar.waitAsync(guard, { timeout: 10 })).toEqual({ timedOut: true });
    await expect(condvar.waitAsync(guard, { signal: controller.signal })).rejects.toThrow(AbortError);
    expect(guard.held).toBe(true);
    guard.unlock();
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it(`should refuse a wait past ${CELLS} pending ones with a RangeError, keeping the lock`, async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const waits: Array<Promise<unknown>> = [];
    for (let i = 0; i < CELLS; i++) {
      const guard = await mutex.lockAsync();
      // Each wait takes the lock back once woken: let it go for the next one.
      waits.push(condvar.waitAsync(guard).then(() => guard.unlock()));
    }
    const guard = await mutex.lockAsync();
    await expect(condvar.waitAsync(guard)).rejects.toThrow(RangeError);
    expect(guard.held).toBe(true);
    guard.unlock();
    condvar.notifyAll();
    for (const wait of waits) {
      await wait;
    }
    expect(cellsFree(condvar)).toBe(true);
  });

  it('should wake exactly the waiters a model of notifyOne, notifyAll and aborts says, oldest first', async () => {
    type Op = { kind: 'wait' } | { kind: 'one' } | { kind: 'all' } | { kind: 'abort'; which: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'wait' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'one' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'all' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), which: fc.nat(20) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 24 }), async (ops) => {
        const mutex = new Mutex();
        const condvar = new Condvar();
        // The model: waiters still waiting, oldest first; who woke and who was aborted.
        const model: number[] = [];
        const expected = new Map<number, 'woken' | 'aborted'>();
        const got = new Map<number, 'woken' | 'aborted'>();
        const controllers: AbortController[] = [];
        let waits = 0;
        for (const step of ops) {
          if (step.kind === 'wait') {
            const id = waits++;
            const controller = new AbortController();
            controllers.push(controller);
            const guard = await mutex.lockAsync();
            void outcome(condvar.waitAsync(guard, { signal: controller.signal })).then((settled) => {
              got.set(id, settled instanceof Error ? 'aborted' : 'woken');
              if (guard.held) guard.unlock();
            });
            model.push(id);
          } else if (step.kind === 'one') {
            condvar.notifyOne();
            const id = model.shift();
            if (id !== undefined) expected.set(id, 'woken');
          } else if (step.kind === 'all') {
            condvar.notifyAll();
            for (const id of model.splice(0)) expected.set(id, 'woken');
          } else if (waits > 0) {
            const id = step.which % waits;
            controllers[id]!.abort();
            const at = model.indexOf(id);
            if (at >= 0) {
              model.splice(at, 1);
              expected.set(id, 'aborted');
            }
          }
          expect(await settled(() => got.size >= expected.size)).toBe(true);
        }
        await sleep(2);
        expect(got).toEqual(expected);
        condvar.notifyAll();
        expect(await settled(() => got.size >= waits)).toBe(true);
        expect(cellsFree(condvar)).toBe(true);
        expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
