import {
  AbortError,
  Barrier,
  type BarrierWaitResult,
  endIdleThreads,
  liveThreads,
  scope,
  TimeoutError,
} from '@herd/scope';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ARRIVED_MASK, STATE } from '../src/barrier-layout.js';
import { outcome, pending, settled, sleep, soon, wordsOf } from './sync-helpers.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

/** How many parties have arrived in the barrier's current round. */
function arrived(barrier: Barrier): number {
  return Atomics.load(wordsOf(barrier), STATE) & ARRIVED_MASK;
}

describe('Barrier between threads', () => {
  it('should elect exactly one leader a round and let nobody through before all arrived, round after round', async () => {
    const parties = 4;
    const rounds = 300;
    const barrier = new Barrier(parties);
    // leaders: a count per round; arrivals: a count per round; early: passes seen before all arrived
    const leaders = new Int32Array(new SharedArrayBuffer(rounds * 4));
    const arrivals = new Int32Array(new SharedArrayBuffer(rounds * 4));
    const early = new Int32Array(new SharedArrayBuffer(4));
    await scope((s) => {
      for (let t = 0; t < parties; t++) {
        s.spawn(
          (
            barrier: Barrier,
            leaders: Int32Array,
            arrivals: Int32Array,
            early: Int32Array,
            parties: number,
          ) => {
            for (let round = 0; round < leaders.length; round++) {
              Atomics.add(arrivals, round, 1);
              if (barrier.wait().isLeader) Atomics.add(leaders, round, 1);
              if (Atomics.load(arrivals, round) !== parties) Atomics.add(early, 0, 1);
            }
          },
          barrier,
          leaders,
          arrivals,
          early,
          parties,
        );
      }
    });
    expect(leaders.every((count) => count === 1)).toBe(true);
    expect(arrivals.every((count) => count === parties)).toBe(true);
    expect(early[0]).toBe(0);
    expect(arrived(barrier)).toBe(0);
  });

  it('should count the main thread as a party through waitAsync', async () => {
    const barrier = new Barrier(3);
    const rounds = 50;
    const leaders = new Int32Array(new SharedArrayBuffer(rounds * 4));
    await scope(async (s) => {
      for (let t = 0; t < 2; t++) {
        s.spawn(
          (barrier: Barrier, leaders: Int32Array) => {
            for (let round = 0; round < leaders.length; round++) {
              if (barrier.wait().isLeader) Atomics.add(leaders, round, 1);
            }
          },
          barrier,
          leaders,
        );
      }
      for (let round = 0; round < rounds; round++) {
        if ((await barrier.waitAsync()).isLeader) Atomics.add(leaders, round, 1);
      }
    });
    expect(leaders.every((count) => count === 1)).toBe(true);
  });

  it('should time a wait out in a thread, taking its arrival back', async () => {
    const barrier = new Barrier(2);
    const name = await scope((s) =>
      s
        .spawn((barrier: Barrier) => {
          try {
            barrier.wait({ timeout: 20 });
            return 'passed';
          } catch (error) {
            return (error as Error).name;
          }
        }, barrier)
        .join(),
    );
    expect(name).toBe('TimeoutError');
    expect(arrived(barrier)).toBe(0);
    // The next round still needs both parties.
    const first = barrier.waitAsync();
    expect(await soon(first)).toBe(pending);
    expect((await Promise.all([first, barrier.waitAsync()])).map((r) => r.isLeader)).toEqual([false, true]);
  });
});

describe('Barrier on the main thread', () => {
  it('should pass as the last party and refuse to wait otherwise, without arriving', () => {
    const barrier = new Barrier(2);
    expect(() => barrier.wait()).toThrow(
      new TypeError(
        'wait would have to wait (not every party of the round has arrived), and blocking waits are not allowed on the main thread: ' +
          'use await barrier.waitAsync() there',
      ),
    );
    expect(() => barrier.wait({ timeout: 9 })).toThrow(/use await barrier\.waitAsync\(\{ timeout: ms \}\)/);
    expect(() => barrier.wait({ timeout: 0 })).toThrow(TimeoutError);
    expect(arrived(barrier)).toBe(0);
    const other = barrier.waitAsync();
    expect(barrier.wait()).toEqual({ isLeader: true });
    return expect(other).resolves.toEqual({ isLeader: false });
  });

  it('should make every wait the leader with 0 or 1 parties, as Rust does', () => {
    for (const n of [0, 1]) {
      const barrier = new Barrier(n);
      expect(barrier.parties).toBe(n);
      expect(barrier.wait().isLeader).toBe(true);
      expect(barrier.wait().isLeader).toBe(true);
    }
  });

  it('should check n and its options', async () => {
    expect(() => new Barrier(-1)).toThrow(new RangeError('n must be an integer from 0 to 1048575, got -1'));
    expect(() => new Barrier(1.5)).toThrow(RangeError);
    expect(() => new Barrier(2 ** 20)).toThrow(RangeError);
    expect(() => new Barrier('3' as never)).toThrow(new TypeError('n must be a number, got "3"'));
    expect(() => new Barrier(3n as never)).toThrow(new TypeError('n must be a number, got 3n'));
    const barrier = new Barrier(2);
    expect(() => barrier.wait({ timeout: Number.NaN })).toThrow(RangeError);
    await expect(barrier.waitAsync({ timeout: -5 })).rejects.toThrow(RangeError);
    expect(arrived(barrier)).toBe(0);
  });

  it('should take the arrival of a waitAsync that timed out or was aborted back', async () => {
    const barrier = new Barrier(2);
    const timedOut = await outcome(barrier.waitAsync({ timeout: 10 }));
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(arrived(barrier)).toBe(0);
    const controller = new AbortController();
    const aborted = outcome(barrier.waitAsync({ signal: controller.signal }));
    expect(await soon(aborted)).toBe(pending);
    expect(arrived(barrier)).toBe(1);
    controller.abort('no');
    expect(await aborted).toMatchObject({ name: 'AbortError', cause: 'no' });
    expect(arrived(barrier)).toBe(0);
    await expect(barrier.waitAsync({ signal: controller.signal })).rejects.toThrow(AbortError);
    expect(arrived(barrier)).toBe(0);
  });

  it('should complete rounds as a model of arrivals and aborts says, one leader each', async () => {
    type Op = { kind: 'wait' } | { kind: 'abort'; which: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'wait' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), which: fc.nat(30) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 30 }), async (n, ops) => {
        const barrier = new Barrier(n);
        // The model: who waits in the current round; each wait's expected end.
        let round: number[] = [];
        const expected = new Map<number, 'leader' | 'follower' | 'aborted'>();
        const got = new Map<number, 'leader' | 'follower' | 'aborted'>();
        const controllers: AbortController[] = [];
        for (const step of ops) {
          if (step.kind === 'wait') {
            const id = controllers.length;
            const controller = new AbortController();
            controllers.push(controller);
            void outcome(barrier.waitAsync({ signal: controller.signal })).then((r) => {
              got.set(
                id,
                r instanceof Error ? 'aborted' : (r as BarrierWaitResult).isLeader ? 'leader' : 'follower',
              );
            });
            round.push(id);
            if (round.length === n) {
              for (const waiter of round) expected.set(waiter, waiter === id ? 'leader' : 'follower');
              round = [];
            }
          } else if (controllers.length > 0) {
            const id = step.which % controllers.length;
            controllers[id]!.abort();
            const at = round.indexOf(id);
            if (at >= 0) {
              round.splice(at, 1);
              expected.set(id, 'aborted');
            }
          }
          expect(await settled(() => got.size >= expected.size)).toBe(true);
        }
        await sleep(1);
        expect(got).toEqual(expected);
        expect(arrived(barrier)).toBe(round.length);
        for (const controller of controllers) controller.abort();
        expect(await settled(() => got.size >= controllers.length)).toBe(true);
        expect(arrived(barrier)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
