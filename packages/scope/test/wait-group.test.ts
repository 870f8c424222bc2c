import { AbortError, endIdleThreads, liveThreads, scope, TimeoutError, WaitGroup } from '@herd/scope';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COUNT } from '../src/wait-group-layout.js';
import { outcome, pending, reached, settled, sleep, soon, wordsOf } from './sync-helpers.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

describe('WaitGroup between threads', () => {
  it('should let waiters in threads and on the main thread through once every worker is done', async () => {
    const workers = 6;
    const wg = new WaitGroup();
    // work: [pieces done, ...what each waiter saw once through]
    const work = new Int32Array(new SharedArrayBuffer(4 * 4));
    wg.add(workers);
    await scope(async (s) => {
      for (let w = 0; w < 2; w++) {
        s.spawn(
          (wg: WaitGroup, work: Int32Array, w: number) => {
            wg.wait();
            work[1 + w] = Atomics.load(work, 0);
          },
          wg,
          work,
          w,
        );
      }
      for (let t = 0; t < workers; t++) {
        s.spawn(
          (wg: WaitGroup, work: Int32Array) => {
            for (let i = 0; i < 1000; i++) Atomics.add(work, 0, 1);
            wg.done();
          },
          wg,
          work,
        );
      }
      await wg.waitAsync();
      work[3] = Atomics.load(work, 0);
    });
    expect([...work]).toEqual([6000, 6000, 6000, 6000]);
    expect(wg.count).toBe(0);
  });

  it('should hold a thread in wait until the main thread is done, and time a wait out', async () => {
    const wg = new WaitGroup();
    wg.add(2);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const result = scope((s) =>
      s
        .spawn(
          (wg: WaitGroup, flags: Int32Array) => {
            let first = 'passed';
            try {
              wg.wait({ timeout: 15 });
            } catch (error) {
              first = (error as Error).name;
            }
            Atomics.store(flags, 0, 1);
            wg.wait();
            Atomics.store(flags, 1, 1);
            return first;
          },
          wg,
          flags,
        )
        .join(),
    );
    await reached(flags, 0, 1);
    wg.done();
    await sleep(10);
    expect(Atomics.load(flags, 1)).toBe(0);
    wg.done();
    expect(await result).toBe('TimeoutError');
  });
});

describe('WaitGroup on the main thread', () => {
  it('should pass at zero and refuse to wait otherwise, naming waitAsync', () => {
    const wg = new WaitGroup();
    wg.wait();
    wg.add();
    expect(() => wg.wait()).toThrow(
      new TypeError(
        'wait would have to wait (the group still counts 1), and blocking waits are not allowed on the main thread: ' +
          'use await wg.waitAsync() there',
      ),
    );
    expect(() => wg.wait({ timeout: 3 })).toThrow(/use await wg\.waitAsync\(\{ timeout: ms \}\)/);
    expect(() => wg.wait({ timeout: 0 })).toThrow(TimeoutError);
    wg.done();
    wg.wait();
  });

  it('should refuse a count below zero or past its limit, changing nothing', () => {
    const wg = new WaitGroup();
    expect(() => wg.done()).toThrow(
      new RangeError('done: the count is zero already: done() was called more times than add() counted'),
    );
    wg.add(3);
    expect(() => wg.add(-4)).toThrow(new RangeError('add(-4): the count would go below zero (it is 3)'));
    expect(() => wg.add(2 ** 30)).toThrow(RangeError);
    expect(() => wg.add(1.5)).toThrow(new RangeError('n must be an integer, got 1.5'));
    expect(() => wg.add('1' as never)).toThrow(new TypeError('n must be a number, got "1"'));
    expect(wg.count).toBe(3);
    wg.add(-3);
    expect(wg.count).toBe(0);
  });

  it('should time out and abort a waitAsync, leaving the count as it was', async () => {
    const wg = new WaitGroup();
    wg.add(1);
    expect(await outcome(wg.waitAsync({ timeout: 10 }))).toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = outcome(wg.waitAsync({ signal: controller.signal }));
    expect(await soon(aborted)).toBe(pending);
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    await expect(wg.waitAsync({ signal: controller.signal })).rejects.toThrow(AbortError);
    expect(Atomics.load(wordsOf(wg), COUNT)).toBe(1);
    const later = wg.waitAsync();
    wg.done();
    await later;
  });

  it('should let every pending waitAsync through exactly when a model of the count reaches zero', async () => {
    type Op = { kind: 'add'; n: number } | { kind: 'done' } | { kind: 'wait' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), n: fc.integer({ min: 1, max: 3 }) }),
      fc.constant({ kind: 'done' as const }),
      fc.constant({ kind: 'wait' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const wg = new WaitGroup();
        let count = 0;
        let waits = 0;
        let expected = 0;
        let passed = 0;
        let waiting = 0;
        for (const step of ops) {
          if (step.kind === 'add') {
            wg.add(step.n);
            count += step.n;
          } else if (step.kind === 'done') {
            if (count === 0) expect(() => wg.done()).toThrow(RangeError);
            else wg.done();
            count = Math.max(0, count - 1);
            if (count === 0) {
              expected += waiting;
              waiting = 0;
            }
          } else {
            waits++;
            void wg.waitAsync().then(() => passed++);
            if (count === 0) expected++;
            else waiting++;
          }
          expect(await settled(() => passed >= expected)).toBe(true);
          expect(wg.count).toBe(count);
        }
        await sleep(1);
        expect(passed).toBe(expected);
        if (count > 0) wg.add(-count);
        expect(await settled(() => passed >= waits)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
