// A thread that dies holding a sync primitive, simulated in this thread: the dead thread's part is
// done on the shared words with the primitive's own code under the dead thread's owner tag, exactly
// as far as a thread stopped there would have got. Then the crossing's `done(threadId, true)`
// repairs it, as the runtime calls it once the thread stopped.
import {
  Barrier,
  BrokenBarrierError,
  BrokenWaitGroupError,
  Condvar,
  Mutex,
  MutexGuard,
  PoisonError,
  WaitGroup,
} from '@herd/scope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CondvarCells } from '../src/condvar-cells.js';
import { CLAIMING, cellAt, HIGH, PHASE_MASK, STATE, WOKEN } from '../src/condvar-layout.js';
import { LockWord } from '../src/lock-word.js';
import { LOCK, PARKED, POISONED, POISONED_BY } from '../src/mutex-layout.js';
import { CROSSING, type Crossing } from '../src/runtime/crossing.js';
import { syncTag } from '../src/sync-layout.js';
import { Lineage } from '../src/sync-lineage.js';
import { deadThreadId, outcome, pending, settled, sleep, soon, wordsOf } from './sync-helpers.js';

/** What spawning with `primitive` does, without a thread: the crossing the parent keeps. */
function share(primitive: unknown): Crossing {
  const crossing = (primitive as { [CROSSING](): Crossing })[CROSSING]();
  crossing.sent?.();
  return crossing;
}

/** The dead thread `id` took the mutex's lock, as `lock()` does. */
function dieHolding(mutex: Mutex, id: number): void {
  expect(new LockWord(wordsOf(mutex), syncTag(id)).attempt(true, false)).toBe(0);
}

/** The dead thread `id` began a condvar wait (its cell claimed, the mutex let go), as `wait` does. */
function dieWaiting(condvar: Condvar, id: number): number {
  return new CondvarCells(wordsOf(condvar), syncTag(id)).claim('wait');
}

describe('a thread that dies holding a Mutex', () => {
  it('should poison it once done() repairs it: every lock throws PoisonError until the poison is cleared', async () => {
    const mutex = new Mutex();
    const id = deadThreadId();
    const crossing = share(mutex);
    dieHolding(mutex, id);
    const waiting = outcome(mutex.lockAsync());
    expect(await soon(waiting)).toBe(pending);
    expect(mutex.tryLock()).toBeUndefined();
    crossing.done?.(id, true);
    crossing.done?.(id, true);
    const error = await waiting;
    expect(error).toBeInstanceOf(PoisonError);
    expect(error).toMatchObject({ threadId: id });
    expect((error as Error).message).toMatch(
      new RegExp(`^lockAsync: the mutex is poisoned: thread ${id} died holding it`),
    );
    expect(mutex.isPoisoned).toBe(true);
    expect(() => mutex.tryLock()).toThrow(PoisonError);
    expect(() => mutex.lock()).toThrow(PoisonError);
    // Rust's into_inner: the lock anyway, the poison kept while what it guards is checked.
    const guard = mutex.lock({ ignorePoison: true });
    expect(mutex.tryLock({ ignorePoison: true })).toBeUndefined();
    expect(mutex.isPoisoned).toBe(true);
    mutex.clearPoison();
    guard.unlock();
    expect(mutex.isPoisoned).toBe(false);
    expect(Atomics.load(wordsOf(mutex), LOCK)).toBe(0);
    mutex.tryLock()!.unlock();
  });

  it('should wake a parked waiter whose holder died after it parked, and leave a lock the dead thread did not hold alone', async () => {
    const mutex = new Mutex();
    const words = wordsOf(mutex);
    const holder = deadThreadId();
    const bystander = deadThreadId();
    const crossing = share(mutex);
    dieHolding(mutex, holder);
    const waiting = outcome(mutex.lockAsync());
    await soon(waiting);
    expect(Atomics.load(words, LOCK) & PARKED).toBe(PARKED);
    crossing.done?.(bystander, true);
    expect(await soon(waiting)).toBe(pending);
    expect(mutex.isPoisoned).toBe(false);
    crossing.done?.(holder, true);
    expect(await waiting).toBeInstanceOf(PoisonError);
    expect(Atomics.load(words, POISONED_BY)).toBe(syncTag(holder));
  });

  it('should not poison a lock whose holder ended its task (done with died false)', () => {
    const mutex = new Mutex();
    const id = deadThreadId();
    const crossing = share(mutex);
    dieHolding(mutex, id);
    crossing.done?.(id, false);
    expect(mutex.isPoisoned).toBe(false);
    expect(mutex.tryLock()).toBeUndefined();
  });

  it('should reach the threads the dead thread started, through the lineage, and only those', () => {
    const mutex = new Mutex();
    const words = wordsOf(mutex);
    const lineage = new Lineage(words);
    const [a, b, c, other] = [deadThreadId(), deadThreadId(), deadThreadId(), deadThreadId()];
    const crossing = share(mutex);
    // a received it from the main thread, sent it on to b (crossing 7), which sent it on to c
    // (crossing 9); `other` received it from a thread that is not a's.
    lineage.record(syncTag(b), syncTag(a), 7);
    lineage.record(syncTag(c), syncTag(b), 9);
    lineage.record(syncTag(other), syncTag(deadThreadId()), 3);
    expect(lineage.family(syncTag(a))).toEqual([syncTag(a), syncTag(b), syncTag(c)]);
    dieHolding(mutex, c);
    crossing.done?.(a, true);
    expect(mutex.isPoisoned).toBe(true);
    expect(Atomics.load(words, POISONED_BY)).toBe(syncTag(c));
    expect(lineage.family(syncTag(a))).toEqual([syncTag(a)]);
    expect(lineage.family(syncTag(b))).toEqual([syncTag(b)]);
    expect(lineage.family(syncTag(other))).toEqual([syncTag(other)]);
  });

  it('should forget a child whose task ended, so that its parent dying later leaves the child alone', () => {
    const parent = new Mutex();
    const [a, b] = [deadThreadId(), deadThreadId()];
    const lineage = new Lineage(wordsOf(parent));
    // b revived the mutex from thread a's crossing 11 (what recordLineage writes in b).
    lineage.record(syncTag(b), syncTag(a), 11);
    lineage.forget(syncTag(b), syncTag(a), 12);
    expect(lineage.family(syncTag(a))).toEqual([syncTag(a), syncTag(b)]);
    lineage.forget(syncTag(b), syncTag(a), 11);
    expect(lineage.family(syncTag(a))).toEqual([syncTag(a)]);
    // b, alive, holds the lock: a's death must not free it.
    dieHolding(parent, b);
    share(parent).done?.(a, true);
    expect(parent.isPoisoned).toBe(false);
    expect(parent.tryLock()).toBeUndefined();
  });

  it('should leave the lock, its poison and its holder as a model says, whatever dies when', () => {
    type Op =
      | { kind: 'try'; ignorePoison: boolean }
      | { kind: 'unlock' }
      | { kind: 'die'; holding: boolean }
      | { kind: 'repair' }
      | { kind: 'clear' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('try' as const), ignorePoison: fc.boolean() }),
      fc.constant({ kind: 'unlock' as const }),
      fc.record({ kind: fc.constant('die' as const), holding: fc.boolean() }),
      fc.constant({ kind: 'repair' as const }),
      fc.constant({ kind: 'clear' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const mutex = new Mutex();
        const crossing = share(mutex);
        let holder: MutexGuard | number | undefined;
        let poisoned = false;
        const unrepaired: number[] = [];
        for (const step of ops) {
          if (step.kind === 'try') {
            if (holder === undefined && poisoned && !step.ignorePoison) {
              expect(() => mutex.tryLock(step)).toThrow(PoisonError);
            } else {
              const guard = mutex.tryLock(step);
              if (holder === undefined) {
                expect(guard).toBeInstanceOf(MutexGuard);
                holder = guard;
              } else expect(guard).toBeUndefined();
            }
          } else if (step.kind === 'unlock') {
            if (holder instanceof MutexGuard) {
              holder.unlock();
              holder = undefined;
            }
          } else if (step.kind === 'die') {
            const id = deadThreadId();
            if (step.holding && holder === undefined) {
              expect(new LockWord(wordsOf(mutex), syncTag(id)).attempt(true, false)).toBe(0);
              holder = id;
            }
            unrepaired.push(id);
          } else if (step.kind === 'repair') {
            for (const id of unrepaired.splice(0)) {
              crossing.done?.(id, true);
              if (holder === id) {
                holder = undefined;
                poisoned = true;
              }
            }
          } else {
            mutex.clearPoison();
            poisoned = false;
          }
          expect(mutex.isPoisoned).toBe(poisoned);
          const word = Atomics.load(wordsOf(mutex), LOCK);
          expect(word & POISONED).toBe(poisoned ? POISONED : 0);
          expect(word & ~POISONED & ~PARKED).toBe(
            holder === undefined ? 0 : syncTag(typeof holder === 'number' ? holder : 0),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a thread that dies in a Condvar wait', () => {
  it('should not take the notify meant for a live waiter once done() freed its cell', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const id = deadThreadId();
    const crossing = share(condvar);
    dieWaiting(condvar, id);
    const guard = await mutex.lockAsync();
    const live = condvar.waitAsync(guard);
    crossing.done?.(id, true);
    condvar.notifyOne();
    expect(await live).toEqual({ timedOut: false });
    guard.unlock();
    expect(Atomics.load(wordsOf(condvar), cellAt(0))).toBe(0);
  });

  it('should hand a notify the dead waiter was sent and never used to a live waiter', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const id = deadThreadId();
    const crossing = share(condvar);
    const at = dieWaiting(condvar, id);
    const guard = await mutex.lockAsync();
    const live = condvar.waitAsync(guard);
    // The dead waiter is the oldest: the notify goes to it, and the live one sleeps on.
    condvar.notifyOne();
    expect((Atomics.load(wordsOf(condvar), at + STATE) & PHASE_MASK) === WOKEN).toBe(true);
    expect(await soon(live)).toBe(pending);
    crossing.done?.(id, true);
    crossing.done?.(id, true);
    expect(await live).toEqual({ timedOut: false });
    guard.unlock();
  });

  it('should free a cell the dead thread was still claiming', () => {
    const condvar = new Condvar();
    const words = wordsOf(condvar);
    const id = deadThreadId();
    const crossing = share(condvar);
    Atomics.store(words, cellAt(0) + STATE, syncTag(id) | CLAIMING);
    Atomics.store(words, HIGH, 1);
    crossing.done?.(id, true);
    expect(Atomics.load(words, cellAt(0) + STATE)).toBe(0);
  });

  it('should send the notify a notifier that died between its two steps owed', async () => {
    const mutex = new Mutex();
    const condvar = new Condvar();
    const words = wordsOf(condvar);
    const notifier = deadThreadId();
    const crossing = share(condvar);
    const guard = await mutex.lockAsync();
    const live = condvar.waitAsync(guard);
    // It moved the live waiter's cell to WOKEN, and died before its Atomics.notify.
    const state = Atomics.load(words, cellAt(0) + STATE);
    Atomics.store(words, cellAt(0) + STATE, (state & ~PHASE_MASK) | WOKEN);
    expect(await soon(live)).toBe(pending);
    crossing.done?.(notifier, true);
    expect(await live).toEqual({ timedOut: false });
    guard.unlock();
  });

  it('should wake live waiters exactly as a model of waits, notifies and deaths says', async () => {
    type Op = { kind: 'wait'; dead: boolean } | { kind: 'one' } | { kind: 'all' } | { kind: 'repair' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), dead: fc.boolean() }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'one' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'all' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'repair' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 24 }), async (ops) => {
        const mutex = new Mutex();
        const condvar = new Condvar();
        const crossing = share(condvar);
        // The model: every waiter still waiting (live ids >= 0, dead ones < 0), oldest first;
        // the dead ones not yet repaired; wake-ups the dead took; the live ones expected woken.
        const queue: number[] = [];
        const unrepaired: number[] = [];
        const deadWoken = new Set<number>();
        let live = 0;
        let expected = 0;
        let woken = 0;
        const wakeOldest = () => {
          const id = queue.shift();
          if (id === undefined) return;
          if (id >= 0) expected++;
          else deadWoken.add(id);
        };
        for (const step of ops) {
          if (step.kind === 'wait' && step.dead) {
            const id = deadThreadId();
            dieWaiting(condvar, id);
            queue.push(-id);
            unrepaired.push(id);
          } else if (step.kind === 'wait') {
            const guard = await mutex.lockAsync();
            void condvar.waitAsync(guard).then(() => {
              woken++;
              guard.unlock();
            });
            queue.push(live++);
          } else if (step.kind === 'one') {
            condvar.notifyOne();
            wakeOldest();
          } else if (step.kind === 'all') {
            condvar.notifyAll();
            while (queue.length > 0) wakeOldest();
          } else {
            for (const id of unrepaired.splice(0)) {
              crossing.done?.(id, true);
              const at = queue.indexOf(-id);
              if (at >= 0) queue.splice(at, 1);
              // A wake-up it took and never used goes to the oldest live waiter.
              if (deadWoken.delete(-id)) wakeOldest();
            }
          }
          expect(await settled(() => woken >= expected)).toBe(true);
        }
        await sleep(1);
        expect(woken).toBe(expected);
        for (const id of unrepaired) crossing.done?.(id, true);
        condvar.notifyAll();
        expect(await settled(() => woken >= live)).toBe(true);
        const words = wordsOf(condvar);
        for (let cell = 0; cell < Atomics.load(words, HIGH); cell++)
          expect(Atomics.load(words, cellAt(cell))).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a thread that dies as a party of a Barrier', () => {
  it('should break it once done() reports the death: waits pending and later throw BrokenBarrierError', async () => {
    const barrier = new Barrier(3);
    const id = deadThreadId();
    const crossing = share(barrier);
    crossing.done?.(id, false);
    expect(barrier.isBroken).toBe(false);
    const waiting = outcome(barrier.waitAsync());
    expect(await soon(waiting)).toBe(pending);
    crossing.done?.(id, true);
    const error = await waiting;
    expect(error).toBeInstanceOf(BrokenBarrierError);
    expect(error).toMatchObject({ threadId: id });
    expect(barrier.isBroken).toBe(true);
    await expect(barrier.waitAsync()).rejects.toThrow(BrokenBarrierError);
    expect(() => barrier.wait()).toThrow(
      /the barrier is broken: thread \d+, which it had crossed into, died/,
    );
  });

  it('should still let through the parties of a round that completed before the death', async () => {
    const barrier = new Barrier(2);
    const crossing = share(barrier);
    const first = barrier.waitAsync();
    expect(barrier.wait()).toEqual({ isLeader: true });
    crossing.done?.(deadThreadId(), true);
    expect(await first).toEqual({ isLeader: false });
  });
});

describe('a thread that dies counted by a WaitGroup', () => {
  it('should break it while work is counted, and mend once the count reaches zero anyway', async () => {
    const wg = new WaitGroup();
    const id = deadThreadId();
    const crossing = share(wg);
    crossing.done?.(id, true);
    expect(wg.isBroken).toBe(false);
    wg.add(2);
    const waiting = outcome(wg.waitAsync());
    expect(await soon(waiting)).toBe(pending);
    crossing.done?.(id, true);
    const error = await waiting;
    expect(error).toBeInstanceOf(BrokenWaitGroupError);
    expect(error).toMatchObject({ threadId: id });
    expect(() => wg.wait()).toThrow(BrokenWaitGroupError);
    wg.done();
    expect(wg.isBroken).toBe(true);
    wg.done();
    expect(wg.isBroken).toBe(false);
    await wg.waitAsync();
  });
});

describe('the errors of dead threads', () => {
  it('should keep their class and threadId through the error codec', async () => {
    const { decodeError, encodeError } = await import('@herd/scope/runtime');
    for (const error of [
      new PoisonError('p', { threadId: 3 }),
      new BrokenBarrierError('b', { threadId: 4 }),
      new BrokenWaitGroupError('w', { threadId: 5 }),
    ]) {
      const back = decodeError(structuredClone(encodeError(error)));
      expect(back).toBeInstanceOf(error.constructor as typeof Error);
      expect(back).toMatchObject({ name: error.name, message: error.message, threadId: error.threadId });
    }
  });
});
