import {
  AbortError,
  endIdleThreads,
  liveThreads,
  Mutex,
  MutexGuard,
  PoisonError,
  scope,
  ThreadError,
  TimeoutError,
} from '@herd/scope';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';
import { LOCK, PARKED, POISONED, POISONED_BY } from '../src/mutex-layout.js';
import { syncTag } from '../src/sync-layout.js';
import { deadThreadId, outcome, pending, reached, sleep, soon, wordsOf } from './sync-helpers.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

describe('Mutex between threads', () => {
  it('should keep a plain counter exact: 4 threads x 100k read-modify-writes under the lock, and the main thread', async () => {
    const mutex = new Mutex();
    // counter: [value]; inside: [threads inside the lock now, times two were inside at once]
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const inside = new Int32Array(new SharedArrayBuffer(8));
    const perThread = 100_000;
    await scope(async (s) => {
      for (let t = 0; t < 4; t++) {
        s.spawn(
          (mutex: Mutex, counter: Int32Array, inside: Int32Array, n: number) => {
            for (let i = 0; i < n; i++) {
              const guard = mutex.lock();
              if (Atomics.add(inside, 0, 1) !== 0) Atomics.add(inside, 1, 1);
              const value = counter[0]!; // no Atomics on the counter: the lock is all there is
              counter[0] = value + 1;
              Atomics.sub(inside, 0, 1);
              guard.unlock();
            }
          },
          mutex,
          counter,
          inside,
          perThread,
        );
      }
      for (let i = 0; i < 2000; i++) {
        const guard = await mutex.lockAsync();
        if (Atomics.add(inside, 0, 1) !== 0) Atomics.add(inside, 1, 1);
        counter[0] = counter[0]! + 1;
        Atomics.sub(inside, 0, 1);
        guard.unlock();
      }
    });
    expect(counter[0]).toBe(4 * perThread + 2000);
    expect(inside[1]).toBe(0);
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should time a lock out in a thread while another holds it, then take it once it is free', async () => {
    const mutex = new Mutex();
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const held = mutex.lock();
    const result = scope((s) =>
      s
        .spawn(
          (mutex: Mutex, flags: Int32Array) => {
            let first = 'taken';
            try {
              mutex.lock({ timeout: 20 }).unlock();
            } catch (error) {
              first = (error as Error).name;
            }
            Atomics.store(flags, 0, 1);
            const guard = mutex.lock(); // blocks until the main thread lets go
            Atomics.store(flags, 1, 1);
            guard.unlock();
            return first;
          },
          mutex,
          flags,
        )
        .join(),
    );
    await reached(flags, 0, 1);
    await sleep(20);
    expect(Atomics.load(flags, 1)).toBe(0);
    held.unlock();
    expect(await result).toBe('TimeoutError');
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should refuse a lock of a mutex the thread holds already, rather than deadlock', async () => {
    const mutex = new Mutex();
    const message = await scope((s) =>
      s
        .spawn((mutex: Mutex) => {
          const guard = mutex.lock();
          try {
            mutex.lock();
            return 'reentered';
          } catch (error) {
            return `${(error as Error).name}: ${(error as Error).message}`;
          } finally {
            guard.unlock();
          }
        }, mutex)
        .join(),
    );
    expect(message).toMatch(
      /^TypeError: lock: this thread holds the mutex already, and a Mutex is not reentrant/,
    );
    expect(mutex.tryLock()).toBeInstanceOf(MutexGuard);
  });

  it('should unlock a guard the task still holds when it ends, without poisoning', async () => {
    const mutex = new Mutex();
    await scope((s) => {
      s.spawn((mutex: Mutex) => {
        (globalThis as Record<string, unknown>).keptGuard = mutex.lock();
      }, mutex);
    });
    expect(mutex.isPoisoned).toBe(false);
    const guard = mutex.tryLock();
    expect(guard).toBeInstanceOf(MutexGuard);
    guard!.unlock();
  });

  it('should bring a PoisonError thrown in a thread back with its class and threadId', async () => {
    const mutex = new Mutex();
    const words = wordsOf(mutex);
    const dead = deadThreadId();
    Atomics.store(words, POISONED_BY, syncTag(dead));
    Atomics.store(words, LOCK, POISONED);
    const error = await scope((s) => s.spawn((mutex: Mutex) => mutex.lock(), mutex).join()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ThreadError);
    const cause = (error as ThreadError).cause;
    expect(cause).toBeInstanceOf(PoisonError);
    expect(cause).toMatchObject({ name: 'PoisonError', threadId: dead });
  });
});

describe('Mutex on the main thread', () => {
  it('should take a free lock and refuse to wait for a held one, naming lockAsync', () => {
    const mutex = new Mutex();
    const guard = mutex.lock();
    expect(guard.held).toBe(true);
    expect(() => mutex.lock()).toThrow(
      new TypeError(
        'lock would have to wait (the mutex is held), and blocking waits are not allowed on the main thread: ' +
          'use await mutex.lockAsync() there',
      ),
    );
    expect(() => mutex.lock({ timeout: 50 })).toThrow(
      /use await mutex\.lockAsync\(\{ timeout: ms \}\) there/,
    );
    expect(() => mutex.lock({ timeout: 0 })).toThrow(TimeoutError);
    expect(mutex.tryLock()).toBeUndefined();
    guard.unlock();
    guard.unlock();
    expect(guard.held).toBe(false);
    const again = mutex.tryLock();
    expect(again).toBeInstanceOf(MutexGuard);
    again![Symbol.dispose]();
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should hand the lock to a pending lockAsync once unlocked', async () => {
    const mutex = new Mutex();
    const first = mutex.lock();
    const second = mutex.lockAsync();
    expect(await soon(second)).toBe(pending);
    first.unlock();
    const guard = await second;
    expect(guard.held).toBe(true);
    guard.unlock();
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should time out and abort a pending lockAsync, leaving nothing behind', async () => {
    const mutex = new Mutex();
    const words = wordsOf(mutex);
    const holder = mutex.lock();
    const timedOut = await outcome(mutex.lockAsync({ timeout: 10 }));
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect((timedOut as Error).message).toBe('lockAsync: the mutex was still held after 10 ms');
    const controller = new AbortController();
    const aborted = mutex.lockAsync({ signal: controller.signal });
    expect(await soon(aborted)).toBe(pending);
    controller.abort('enough');
    const error = await outcome(aborted);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('enough');
    await expect(mutex.lockAsync({ signal: controller.signal })).rejects.toThrow(AbortError);
    // The waits that gave up hold nothing: once the holder lets go, the word is free and clear.
    expect(Atomics.load(words, LOCK) & ~PARKED).toBe(syncTag(0));
    holder.unlock();
    expect(Atomics.load(words, LOCK)).toBe(0);
    mutex.tryLock()!.unlock();
  });

  it('should pass the wake-up of an aborted lockAsync on to the next one waiting', async () => {
    const mutex = new Mutex();
    const holder = mutex.lock();
    const controller = new AbortController();
    const aborted = outcome(mutex.lockAsync({ signal: controller.signal }));
    const waiting = mutex.lockAsync();
    await soon(waiting);
    holder.unlock();
    controller.abort();
    const [gaveUp, guard] = await Promise.all([aborted, waiting]);
    // Whichever the release woke, the waiter left gets the lock.
    if (gaveUp instanceof MutexGuard) gaveUp.unlock();
    else expect(gaveUp).toBeInstanceOf(AbortError);
    expect(guard.held).toBe(true);
    guard.unlock();
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should check its options', async () => {
    const mutex = new Mutex();
    expect(() => mutex.lock({ timeout: -1 })).toThrow(
      new RangeError('options.timeout must be a number >= 0, got -1'),
    );
    expect(() => mutex.lock({ timeout: 10n } as never)).toThrow(
      new TypeError('options.timeout must be a number, got 10n'),
    );
    expect(() => mutex.lock({ signal: new AbortController().signal } as never)).toThrow(
      /lock takes no signal: a blocking wait cannot see an abort/,
    );
    expect(() => mutex.lock({ ignorePoison: 'yes' } as never)).toThrow(
      new TypeError('options.ignorePoison must be a boolean, got "yes"'),
    );
    expect(() => mutex.lock(5 as never)).toThrow(new TypeError('options must be an object, got 5'));
    expect(() => mutex.tryLock(5 as never)).toThrow(new TypeError('options must be an object, got 5'));
    await expect(mutex.lockAsync({ signal: 'no' } as never)).rejects.toThrow(
      new TypeError('options.signal must be an AbortSignal, got "no"'),
    );
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should be told apart by brand across the ESM and CJS builds', async ({ skip }) => {
    skip(!withNodeApis, 'require() of the CJS build');
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('@herd/scope') as typeof import('@herd/scope');
    expect(new cjs.Mutex()).toBeInstanceOf(Mutex);
    expect(new cjs.Mutex().lock()).toBeInstanceOf(MutexGuard);
    expect({}).not.toBeInstanceOf(Mutex);
  });

  it('should never let two async holders in at once, whatever the order of locks, unlocks and aborts', async () => {
    type Op = { kind: 'lock'; abortable: boolean } | { kind: 'unlock' } | { kind: 'abort' } | { kind: 'try' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('lock' as const), abortable: fc.boolean() }),
      fc.record({ kind: fc.constant('unlock' as const) }),
      fc.record({ kind: fc.constant('abort' as const) }),
      fc.record({ kind: fc.constant('try' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const mutex = new Mutex();
        const held: MutexGuard[] = [];
        const controllers: AbortController[] = [];
        const waits: Array<Promise<unknown>> = [];
        let aborts = 0;
        let locks = 0;
        const onSettled = (settled: MutexGuard | Error) => {
          if (settled instanceof MutexGuard) held.push(settled);
          else {
            expect(settled).toBeInstanceOf(AbortError);
            aborts++;
          }
        };
        for (const step of ops) {
          if (step.kind === 'lock') {
            const controller = new AbortController();
            if (step.abortable) controllers.push(controller);
            locks++;
            waits.push(outcome(mutex.lockAsync({ signal: controller.signal })).then(onSettled));
          } else if (step.kind === 'unlock') {
            held.shift()?.unlock();
          } else if (step.kind === 'abort') {
            controllers.shift()?.abort();
          } else {
            const guard = mutex.tryLock();
            if (guard !== undefined) {
              expect(held.filter((g) => g.held)).toEqual([]);
              guard.unlock();
            }
          }
          await sleep(0);
          expect(held.filter((g) => g.held).length).toBeLessThanOrEqual(1);
        }
        // Let every wait left through, one holder at a time.
        let settled = false;
        void Promise.all(waits).then(() => {
          settled = true;
        });
        while (!settled) {
          held.shift()?.unlock();
          await sleep(0);
          expect(held.filter((g) => g.held).length).toBeLessThanOrEqual(1);
        }
        for (const guard of held) guard.unlock();
        expect(locks).toBeGreaterThanOrEqual(aborts);
        expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
