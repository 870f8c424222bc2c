// What a task leaves pending on a sync primitive when it ends is given back by its thread, as the
// guards it holds are: an async wait it started and did not await is stopped, and what that wait
// had put in shared memory (a barrier arrival, a condvar cell, the lock a condvar wait would take
// back) is undone before the thread reports the task over. The thread stays clean: it goes back
// to the idle threads rather than being ended.
import {
  Barrier,
  Condvar,
  endIdleThreads,
  idleThreads,
  liveThreads,
  Mutex,
  scope,
  WaitGroup,
} from '@herd/scope';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtime } from '../../../scripts/test-runtime.js';
import { ARRIVED_MASK, STATE } from '../src/barrier-layout.js';
import { cellAt, HIGH } from '../src/condvar-layout.js';
import { LOCK } from '../src/mutex-layout.js';
import { COUNT } from '../src/wait-group-layout.js';
import { sleep, wordsOf } from './sync-helpers.js';

beforeEach(async () => {
  await endIdleThreads();
});
afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

/**
 * Whether a thread stayed warm after its task, where that can be told: under Vite's dev server (the
 * browser suite) a thread's first import from the server loads the HMR client, whose ping timer
 * rightly makes the runtime retire the thread, so there the answer is taken as yes.
 */
function stayedWarm(warm: boolean): boolean {
  return warm || runtime === 'browser';
}

/** Runs `fn` (which leaves an async wait pending) as a task; returns whether its thread stayed warm. */
async function runTask(fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<boolean> {
  await scope((s) => {
    s.spawn(fn as (...args: unknown[]) => unknown, ...args);
  });
  return idleThreads() === 1;
}

describe('an async wait a task left pending when it ended', () => {
  it('should not take a Mutex later: lockAsync is stopped with its task', async () => {
    const mutex = new Mutex();
    const held = mutex.lock();
    const warm = await runTask((mutex: Mutex) => {
      void mutex.lockAsync().catch(() => {});
    }, mutex);
    expect(stayedWarm(warm)).toBe(true);
    held.unlock();
    await sleep(20);
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
    expect(mutex.tryLock()?.held).toBe(true);
  });

  it('should take its Barrier arrival back', async () => {
    const barrier = new Barrier(2);
    const warm = await runTask((barrier: Barrier) => {
      void barrier.waitAsync().catch(() => {});
    }, barrier);
    expect(stayedWarm(warm)).toBe(true);
    expect(Atomics.load(wordsOf(barrier), STATE) & ARRIVED_MASK).toBe(0);
  });

  it('should give its Condvar cell back, and not take the mutex back', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const warm = await runTask(
      (mutex: Mutex, condvar: Condvar) => {
        void condvar.waitAsync(mutex.lock()).catch(() => {});
      },
      mutex,
      condvar,
    );
    expect(stayedWarm(warm)).toBe(true);
    const words = wordsOf(condvar);
    expect(Atomics.load(words, HIGH)).toBe(1);
    expect(Atomics.load(words, cellAt(0))).toBe(0);
    condvar.notifyAll();
    await sleep(20);
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
  });

  it('should stop a WaitGroup wait, leaving the count as it was', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    const warm = await runTask((wg: WaitGroup) => {
      void wg.waitAsync().catch(() => {});
    }, wg);
    expect(stayedWarm(warm)).toBe(true);
    expect(Atomics.load(wordsOf(wg), COUNT)).toBe(1);
  });
});
