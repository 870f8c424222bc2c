// Sync primitives whose threads are terminated for real (their scope is aborted) while they hold a
// lock, wait on a condvar or a barrier, or owe a wait group its done(): the threads that survive
// are never left waiting on a dead one, and see what the README promises (poisoning, a broken
// barrier, a broken wait group).
import {
  Barrier,
  BrokenBarrierError,
  BrokenWaitGroupError,
  Condvar,
  endIdleThreads,
  liveThreads,
  Mutex,
  PoisonError,
  scope,
  WaitGroup,
} from '@herd/scope';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runtime } from '../../../scripts/test-runtime.js';
import { ARRIVED_MASK, STATE } from '../src/barrier-layout.js';
import { outcome, reached, sleep, wordsOf } from './sync-helpers.js';

// More rounds by hand: HERD_FAULT_ROUNDS=50 pnpm vitest run test/sync-faults.test.ts
const ROUNDS = Number(
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.HERD_FAULT_ROUNDS ??
    5,
);
const ROUNDS_TIMEOUT = 60_000 + ROUNDS * 10_000;

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

/** A random integer in [0, n). */
const random = (n: number) => Math.floor(Math.random() * n);

/** Runs `body` in a scope that `abort` terminates; settles with the scope's error. */
function killable(body: Parameters<typeof scope>[0], abort: AbortController): Promise<unknown> {
  return scope(body, { signal: abort.signal }).then(
    () => new Error('the scope was not aborted'),
    (error: unknown) => error,
  );
}

describe('a Mutex whose holder is terminated', () => {
  it('should wake a thread blocked in lock() with PoisonError, and let it recover the lock', async () => {
    const mutex = new Mutex();
    // flags: [holder has the lock, the holder's thread id, waiter started]
    const flags = new Int32Array(new SharedArrayBuffer(12));
    const abort = new AbortController();
    const killed = killable((s) => {
      s.spawn(
        (mutex: Mutex, flags: Int32Array) => {
          mutex.lock();
          const context = (globalThis as Record<symbol, { id: number } | undefined>)[
            Symbol.for('@herd/thread')
          ];
          Atomics.store(flags, 1, context!.id);
          Atomics.store(flags, 0, 1);
          for (;;);
        },
        mutex,
        flags,
      );
    }, abort);
    await reached(flags, 0, 1);
    const survivor = scope((s) =>
      s
        .spawn(
          (mutex: Mutex, flags: Int32Array) => {
            Atomics.store(flags, 2, 1);
            let poisonedBy = -1;
            try {
              mutex.lock();
              return 'taken';
            } catch (error) {
              if ((error as Error).name !== 'PoisonError') throw error;
              poisonedBy = (error as PoisonError).threadId;
            }
            const guard = mutex.lock({ ignorePoison: true });
            mutex.clearPoison();
            guard.unlock();
            return `recovered from ${poisonedBy}`;
          },
          mutex,
          flags,
        )
        .join(),
    );
    await reached(flags, 2, 1);
    await sleep(10);
    abort.abort();
    expect(await killed).toMatchObject({ name: 'AbortError' });
    expect(await survivor).toBe(`recovered from ${Atomics.load(flags, 1)}`);
    expect(mutex.isPoisoned).toBe(false);
    (await mutex.lockAsync()).unlock();
  });

  it('should be repaired when the holder is a thread the terminated thread started', async () => {
    const mutex = new Mutex();
    // flags: [the nested thread has the lock, its thread id]
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const abort = new AbortController();
    const url = new URL('../dist/index.js', import.meta.url).href;
    const killed = killable((s) => {
      s.spawn(
        async (url: string, mutex: Mutex, flags: Int32Array) => {
          const { scope } = await import(url);
          await scope((inner: { spawn: (...args: unknown[]) => unknown }) => {
            inner.spawn(
              (mutex: Mutex, flags: Int32Array) => {
                mutex.lock();
                const context = (globalThis as Record<symbol, { id: number } | undefined>)[
                  Symbol.for('@herd/thread')
                ];
                Atomics.store(flags, 1, context!.id);
                Atomics.store(flags, 0, 1);
                for (;;);
              },
              mutex,
              flags,
            );
          });
        },
        url,
        mutex,
        flags,
      );
    }, abort);
    await reached(flags, 0, 1);
    expect(mutex.tryLock()).toBeUndefined();
    abort.abort();
    expect(await killed).toMatchObject({ name: 'AbortError' });
    const error = await outcome(mutex.lockAsync({ timeout: 10_000 }));
    expect(error).toBeInstanceOf(PoisonError);
    expect((error as PoisonError).threadId).toBe(Atomics.load(flags, 1));
  });

  it(
    'should keep the data it guards repairable when threads are terminated at random points',
    async ({ skip }) => {
      skip(runtime === 'deno', 'Deno 2.9 does not stop a busy thread it terminates');
      for (let round = 0; round < ROUNDS; round++) {
        const threads = 4;
        const mutex = new Mutex();
        // data: [total, per thread: its own count, ...]; both updated inside the lock, plainly, so a
        // thread stopped between the two writes leaves them inconsistent: what poisoning warns of.
        const data = new Int32Array(new SharedArrayBuffer((1 + threads) * 4));
        // marks: [recoveries, threads started, per thread: 1 while it is inside the lock]
        const marks = new Int32Array(new SharedArrayBuffer((2 + threads) * 4));
        const work = (mutex: Mutex, data: Int32Array, marks: Int32Array, t: number, n: number) => {
          Atomics.add(marks, 1, 1);
          for (let i = 0; i < n; i++) {
            let guard: { unlock(): void };
            try {
              guard = mutex.lock();
            } catch (error) {
              if ((error as Error).name !== 'PoisonError') throw error;
              guard = mutex.lock({ ignorePoison: true });
              let sum = 0;
              for (let k = 1; k < data.length; k++) sum += data[k]!;
              data[0] = sum;
              Atomics.add(marks, 0, 1);
              mutex.clearPoison();
            }
            marks[2 + t] = 1;
            data[0] = data[0]! + 1;
            // A loop: its back edge is where a thread can be terminated (straight-line code has no
            // such point), so a thread may stop here, half-way through the update.
            for (let k = 0; k < 20; k++) data[1 + t] = data[1 + t]! + (k === 19 ? 1 : 0);
            marks[2 + t] = 0;
            guard.unlock();
          }
        };
        const abort = new AbortController();
        const killed = killable((s) => {
          for (let t = 0; t < 2; t++) s.spawn(work, mutex, data, marks, t, 1 << 30);
        }, abort);
        const survivors = scope((s) => {
          for (let t = 2; t < threads; t++) s.spawn(work, mutex, data, marks, t, 200_000);
        });
        await reached(marks, 1, threads);
        await sleep(random(20));
        abort.abort();
        expect(await killed).toMatchObject({ name: 'AbortError' });
        await survivors;
        // A killed thread stopped between its two marks held the lock when it died.
        const diedInside = marks[2] === 1 || marks[3] === 1;
        if (mutex.isPoisoned) {
          const guard = await mutex.lockAsync({ ignorePoison: true });
          data[0] = data.subarray(1).reduce((a, b) => a + b, 0);
          marks[0]!++;
          mutex.clearPoison();
          guard.unlock();
        }
        if (diedInside) expect(marks[0]).toBeGreaterThanOrEqual(1);
        expect(data[0]).toBe(data.subarray(1).reduce((a, b) => a + b, 0));
        expect(data[3]! + data[4]!).toBe(400_000);
        expect(mutex.isPoisoned).toBe(false);
      }
    },
    ROUNDS_TIMEOUT,
  );
});

describe('a Condvar waiter that is terminated', () => {
  it('should not swallow the notify meant for the waiter that survives', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    // shared: [waiters registered, go]
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const waiter = (mutex: Mutex, condvar: Condvar, shared: Int32Array) => {
      const guard = mutex.lock();
      shared[0]!++;
      while (shared[1] === 0) condvar.wait(guard);
      guard.unlock();
      return 'woken';
    };
    const registered = async (count: number) => {
      // Seen under the lock: a waiter that registered is in its wait.
      for (;;) {
        const guard = await mutex.lockAsync();
        const all = shared[0] === count;
        guard.unlock();
        if (all) return;
        await sleep(1);
      }
    };
    const abort = new AbortController();
    // The doomed waiter waits first: it is the oldest, the one a notifyOne would pick.
    const killed = killable((s) => {
      s.spawn(waiter, mutex, condvar, shared);
    }, abort);
    await registered(1);
    const survivor = scope((s) => s.spawn(waiter, mutex, condvar, shared).join());
    await registered(2);
    abort.abort();
    expect(await killed).toMatchObject({ name: 'AbortError' });
    const guard = await mutex.lockAsync();
    shared[1] = 1;
    condvar.notifyOne();
    guard.unlock();
    expect(await survivor).toBe('woken');
  });
});

describe('a Barrier party that is terminated', () => {
  it('should break the barrier: the parties waiting get BrokenBarrierError instead of waiting forever', async () => {
    const barrier = new Barrier(3);
    const abort = new AbortController();
    const party = (barrier: Barrier) => {
      try {
        barrier.wait();
        return 'passed';
      } catch (error) {
        return (error as Error).name;
      }
    };
    const killed = killable((s) => {
      s.spawn(party, barrier);
    }, abort);
    const survivor = scope((s) => s.spawn(party, barrier).join());
    const words = wordsOf(barrier);
    while ((Atomics.load(words, STATE) & ARRIVED_MASK) < 2) await sleep(1);
    abort.abort();
    expect(await killed).toMatchObject({ name: 'AbortError' });
    expect(await survivor).toBe('BrokenBarrierError');
    await expect(barrier.waitAsync()).rejects.toThrow(BrokenBarrierError);
  });
});

describe('a WaitGroup worker that is terminated before its done()', () => {
  it('should break the group: a waiter gets BrokenWaitGroupError instead of waiting forever', async () => {
    const wg = new WaitGroup();
    wg.add(2);
    const abort = new AbortController();
    const killed = killable((s) => {
      s.spawn((wg: WaitGroup) => {
        for (;;);
        // biome-ignore lint/correctness/noUnreachable: the done() it owes and never reaches
        wg.done();
      }, wg);
    }, abort);
    await scope((s) => {
      s.spawn((wg: WaitGroup) => wg.done(), wg);
    });
    const waiting = outcome(wg.waitAsync());
    await sleep(10);
    abort.abort();
    expect(await killed).toMatchObject({ name: 'AbortError' });
    expect(await waiting).toBeInstanceOf(BrokenWaitGroupError);
    expect(wg.count).toBe(1);
  });
});
