// The examples of the README's "Sync primitives" section, as written there (between the markers),
// type-checked with the repository's strict settings and run, their results asserted.
import {
  Barrier,
  Condvar,
  endIdleThreads,
  liveThreads,
  Mutex,
  type MutexGuard,
  PoisonError,
  scope,
  WaitGroup,
} from '@herd/scope';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  expect(liveThreads()).toBe(0);
  vi.restoreAllMocks();
});
afterAll(() => endIdleThreads());

describe('the README examples of the sync primitives', () => {
  it('should run the Mutex example', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // README: Mutex
    const mutex = new Mutex();
    const total = new Float64Array(new SharedArrayBuffer(8));
    await scope((s) => {
      for (let t = 0; t < 4; t++) {
        s.spawn(
          (mutex: Mutex, total: Float64Array, t: number) => {
            for (let i = 0; i < 1000; i++) {
              const guard = mutex.lock();
              try {
                total[0] = total[0]! + t; // a plain read-modify-write, made safe by the lock
              } finally {
                guard.unlock();
              }
            }
          },
          mutex,
          total,
          t,
        );
      }
    });
    console.log(total[0]); // 6000
    {
      using _locked = await mutex.lockAsync(); // the main thread awaits the lock
      total[0] = 0;
    } // unlocked here
    // README end
    expect(log).toHaveBeenCalledWith(6000);
    expect(mutex.tryLock()?.held).toBe(true);
  });

  it('should run the Condvar example', async () => {
    // README: Condvar
    const mutex = new Mutex();
    const nonEmpty = new Condvar();
    // A FIFO queue: [head, tail, ...items]
    const queue = new Int32Array(new SharedArrayBuffer(4 * 66));
    const sum = await scope(async (s) => {
      const consumer = s.spawn(
        (mutex: Mutex, nonEmpty: Condvar, queue: Int32Array) => {
          let sum = 0;
          for (;;) {
            const guard = mutex.lock();
            try {
              while (queue[0] === queue[1]) nonEmpty.wait(guard); // lets the lock go while it waits
              const item = queue[2 + queue[0]!]!;
              queue[0] = queue[0]! + 1;
              if (item < 0) return sum;
              sum += item;
            } finally {
              guard.unlock();
            }
          }
        },
        mutex,
        nonEmpty,
        queue,
      );
      for (const item of [1, 2, 3, -1]) {
        const guard = await mutex.lockAsync();
        queue[2 + queue[1]!] = item;
        queue[1] = queue[1]! + 1;
        nonEmpty.notifyOne();
        guard.unlock();
      }
      return consumer.join();
    });
    // sum === 6
    // README end
    expect(sum).toBe(6);
  });

  it('should run the Barrier example', async () => {
    // README: Barrier
    const barrier = new Barrier(3);
    // cells: one per party, then the last round completed
    const cells = new Int32Array(new SharedArrayBuffer(4 * 4));
    await scope((s) => {
      for (let t = 0; t < 3; t++) {
        s.spawn(
          (barrier: Barrier, cells: Int32Array, t: number) => {
            for (let round = 1; round <= 5; round++) {
              cells[t] = round; // phase 1: each party writes its own cell
              barrier.wait(); // every write of the round is done
              if (cells[0]! + cells[1]! + cells[2]! !== 3 * round) throw new Error('a write is missing');
              if (barrier.wait().isLeader) cells[3] = round; // exactly one party a round
            }
          },
          barrier,
          cells,
          t,
        );
      }
    });
    // cells[3] === 5
    // README end
    expect([...cells]).toEqual([5, 5, 5, 5]);
  });

  it('should run the WaitGroup example', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    // README: WaitGroup
    const wg = new WaitGroup();
    const results = new Float64Array(new SharedArrayBuffer(4 * 8));
    await scope(async (s) => {
      wg.add(4);
      for (let t = 0; t < 4; t++) {
        s.spawn(
          (wg: WaitGroup, results: Float64Array, t: number) => {
            try {
              results[t] = t * t;
            } finally {
              wg.done();
            }
          },
          wg,
          results,
          t,
        );
      }
      await wg.waitAsync({ timeout: 10_000 });
      console.log(results.reduce((a, b) => a + b)); // 14
    });
    // README end
    expect(log).toHaveBeenCalledWith(14);
  });

  it('should run the poisoning example', async () => {
    const mutex = new Mutex();
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const abort = new AbortController();
    // A thread terminated while it holds the lock, half-way through an update.
    const killed = scope(
      (s) => {
        s.spawn(
          (mutex: Mutex, shared: Int32Array, started: Int32Array) => {
            mutex.lock();
            shared[0] = 1;
            Atomics.store(started, 0, 1);
            for (;;);
          },
          mutex,
          shared,
          started,
        );
      },
      { signal: abort.signal },
    ).catch(() => {});
    while (Atomics.load(started, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    abort.abort();
    await killed;
    const repair = (shared: Int32Array) => {
      shared[1] = shared[0]!;
    };
    // README: poisoning
    let guard: MutexGuard;
    try {
      guard = await mutex.lockAsync();
    } catch (error) {
      if (!(error instanceof PoisonError)) throw error;
      guard = await mutex.lockAsync({ ignorePoison: true }); // Rust's into_inner: the lock anyway
      repair(shared); // whatever the dead holder left half done
      mutex.clearPoison();
    }
    guard.unlock();
    // README end
    expect([...shared]).toEqual([1, 1]);
    expect(mutex.isPoisoned).toBe(false);
  });
});
