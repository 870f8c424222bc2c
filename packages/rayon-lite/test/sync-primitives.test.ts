// @herd/scope's sync primitives in a pool call's context. Unlike a channel end, a primitive is
// shared, not moved (as an `Arc<Mutex<T>>`), so `with(ctx)` accepts one: every worker taking part
// uses the same one, and a worker that dies holding it is repaired like a scope thread.
import { par, range, ThreadPool } from '@herd/rayon-lite';
import { Barrier, Condvar, Mutex, PoisonError, WaitGroup } from '@herd/scope';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 3 });
afterAll(() => pool.close());

describe('sync primitives in the context of a pool call', () => {
  it('should share one Mutex with every worker: a plain counter stays exact', async () => {
    const mutex = new Mutex();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await pool
      .par(range(0, 30_000))
      .withMaxLen(500)
      .with({ mutex, counter })
      .forEach((_i, { mutex, counter }) => {
        const guard = mutex.lock();
        counter[0] = counter[0]! + 1;
        guard.unlock();
      });
    expect(counter[0]).toBe(30_000);
    expect(mutex.tryLock()?.unlock()).toBeUndefined();
  });

  it('should count the items of a call down on a WaitGroup the main thread awaits', async () => {
    const wg = new WaitGroup();
    wg.add(1000);
    const [, counted] = await Promise.all([
      pool
        .par(range(0, 1000))
        .with({ wg })
        .forEach((_i, { wg }) => {
          wg.done();
        }),
      wg.waitAsync().then(() => wg.count),
    ]);
    expect(counted).toBe(0);
  });

  it('should meet the main thread at a Barrier and wake on a Condvar', async () => {
    const barrier = new Barrier(2);
    const mutex = new Mutex();
    const condvar = new Condvar();
    // state: [waiting, go]
    const state = new Int32Array(new SharedArrayBuffer(8));
    const call = par([0], { pool })
      .with({ barrier, mutex, condvar, state })
      .map((_item, { barrier, mutex, condvar, state }) => {
        const leader = barrier.wait().isLeader;
        const guard = mutex.lock();
        state[0] = 1;
        while (state[1] === 0) condvar.wait(guard);
        guard.unlock();
        return leader ? 1 : 0;
      })
      .collect();
    const main = await barrier.waitAsync();
    for (;;) {
      const guard = await mutex.lockAsync();
      if (state[0] === 1) {
        state[1] = 1;
        condvar.notifyAll();
        guard.unlock();
        break;
      }
      guard.unlock();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const [worker] = await call;
    expect(worker! + (main.isLeader ? 1 : 0)).toBe(1);
  });

  it('should poison a Mutex a worker held when the call was aborted and the worker terminated', async () => {
    const mutex = new Mutex();
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const abort = new AbortController();
    const call = pool
      .par([0])
      .with({ mutex, flags })
      .forEach(
        (_item, { mutex, flags }) => {
          mutex.lock();
          Atomics.store(flags, 0, 1);
          for (;;);
        },
        { signal: abort.signal },
      )
      .catch((error: unknown) => error);
    while (Atomics.load(flags, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    abort.abort();
    expect(await call).toMatchObject({ name: 'AbortError' });
    await expect(mutex.lockAsync({ timeout: 10_000 })).rejects.toThrow(PoisonError);
    const guard = await mutex.lockAsync({ ignorePoison: true });
    mutex.clearPoison();
    guard.unlock();
    // The pool replaced its worker and goes on.
    expect(await pool.par(range(0, 10)).sum()).toBe(45);
  });
});
