import { Herd } from '@herd/herd';
import { AbortError, liveThreads, type Sender, scope, syncChannel } from '@herd/scope';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runtime } from '../../../scripts/test-runtime.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});

/** A pause of `ms` milliseconds. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a thread of the herd chaos does: lease, allocate records that say who wrote them, publish
 * each record's Ptr once it is written, release; over and over, until `control[0]` says stop (or
 * it runs out of log, or is terminated). `log` holds, per thread, how many records it published,
 * then their Ptrs; `control[1]` counts the threads that started.
 */
function allocateRecords(
  herd: Herd,
  log: Int32Array,
  control: Int32Array,
  thread: number,
  stride: number,
): number {
  const records = stride - 1;
  let made = 0;
  Atomics.add(control, 1, 1);
  while (made < records && Atomics.load(control, 0) === 0) {
    const bump = herd.get();
    for (let k = 0; k < 4 && made < records; k++, made++) {
      const p = bump.alloc(16 + (made % 5) * 8, 8);
      const m = bump.memory;
      m.u32[p >>> 2] = thread;
      m.u32[(p >>> 2) + 1] = made;
      m.f64[(p >>> 3) + 1] = thread * 1e6 + made;
      Atomics.store(log, thread * stride + 1 + made, p);
      Atomics.store(log, thread * stride, made + 1);
    }
    bump.release();
  }
  return made;
}

/**
 * What a producer of the channel chaos does: allocate a record in the herd (who wrote it, its
 * number), send its Ptr, count it as sent once `send` returned; until `control[0]` says stop or it
 * is terminated. `sent[thread]` is how many of its sends returned.
 */
function produceRecords(
  herd: Herd,
  tx: Sender,
  sent: Int32Array,
  control: Int32Array,
  thread: number,
): number {
  let made = 0;
  Atomics.add(control, 1, 1);
  while (Atomics.load(control, 0) === 0) {
    const bump = herd.get();
    for (let k = 0; k < 8; k++, made++) {
      const p = bump.alloc(16, 8);
      bump.memory.u32[p >>> 2] = thread;
      bump.memory.u32[(p >>> 2) + 1] = made;
      tx.send(p);
      Atomics.store(sent, thread, made + 1);
    }
    bump.release();
  }
  tx.close();
  return made;
}

describe('chaos: threads terminated at random points', () => {
  it('should leave the herd usable and every published allocation intact, whatever the point', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }),
        async (killAfterMs) => {
          const threads = killAfterMs.length;
          const stride = 100_001;
          const herd = new Herd({ maxBytes: 256 << 20, chunkSize: 4096, maxMembers: 64 });
          const log = new Int32Array(new SharedArrayBuffer(threads * stride * 4));
          const control = new Int32Array(new SharedArrayBuffer(8));
          // Every other thread is a victim, terminated a random while after all started; the
          // others run on until told to stop, and must end well.
          const controllers = killAfterMs.map(() => new AbortController());
          const runs = killAfterMs.map(async (_, thread) => {
            try {
              return await scope((s) => s.spawn(allocateRecords, herd, log, control, thread, stride).join(), {
                signal: controllers[thread]!.signal,
              });
            } catch (error) {
              if (!(error instanceof AbortError)) throw error;
              return 'terminated';
            }
          });
          while (Atomics.load(control, 1) < threads) await sleep(1);
          await Promise.all(
            killAfterMs.map(async (ms, thread) => {
              if (thread % 2 !== 0) return;
              await sleep(ms);
              controllers[thread]!.abort();
            }),
          );
          await sleep(5);
          Atomics.store(control, 0, 1);
          const outcomes = await Promise.all(runs);
          outcomes.forEach((outcome, thread) => {
            if (thread % 2 === 1) expect(outcome).toBe(Atomics.load(log, thread * stride));
          });
          // The dead threads' leases (and the lock, if one died holding it) are back.
          expect(herd.leased()).toBe(0);
          const ranges: [number, number][] = [];
          const m = herd.memory;
          let wrong = 0;
          for (let thread = 0; thread < threads; thread++) {
            const published = Atomics.load(log, thread * stride);
            for (let k = 0; k < published; k++) {
              const p = log[thread * stride + 1 + k]!;
              if (
                m.u32[p >>> 2] !== thread ||
                m.u32[(p >>> 2) + 1] !== k ||
                m.f64[(p >>> 3) + 1] !== thread * 1e6 + k
              ) {
                wrong++;
              }
              ranges.push([p, p + 16 + (k % 5) * 8]);
            }
          }
          expect(wrong).toBe(0);
          ranges.sort((a, b) => a[0] - b[0]);
          let overlaps = 0;
          for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] < ranges[i - 1]![1]) overlaps++;
          expect(overlaps).toBe(0);
          // And the survivors' herd goes on: a new lease works and a reset frees it all.
          herd.scoped((bump) => bump.allocStr('after the chaos'));
          herd.reset();
          await sleep(0);
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it('should deliver every committed value once and keep the survivors going, through the channel and the herd', async ({
    skip,
  }) => {
    skip(runtime === 'deno', 'Deno 2.9 does not stop a busy thread it terminates');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }),
        async (killAfterMs) => {
          const threads = killAfterMs.length;
          const herd = new Herd({ maxBytes: 256 << 20, chunkSize: 4096, maxMembers: 64 });
          const sent = new Int32Array(new SharedArrayBuffer(threads * 4));
          const control = new Int32Array(new SharedArrayBuffer(8));
          const [tx, rx] = syncChannel(256);
          const controllers = killAfterMs.map(() => new AbortController());
          const runs = killAfterMs.map(async (_, thread) => {
            try {
              return await scope(
                (s) => s.spawn(produceRecords, herd, tx.clone(), sent, control, thread).join(),
                {
                  signal: controllers[thread]!.signal,
                },
              );
            } catch (error) {
              if (!(error instanceof AbortError)) throw error;
              return 'terminated';
            }
          });
          tx.close();
          // The main thread consumes the whole time: every Ptr it takes, by who made it.
          const received: number[][] = Array.from({ length: threads }, () => []);
          let wrong = 0;
          const consumed = (async () => {
            const batch = new Float64Array(64);
            for (let n = await rx.recvManyAsync(batch); n > 0; n = await rx.recvManyAsync(batch)) {
              for (let k = 0; k < n; k++) {
                const p = batch[k]!;
                const thread = herd.memory.u32[p >>> 2]!;
                if (thread >= threads) wrong++;
                else received[thread]!.push(herd.memory.u32[(p >>> 2) + 1]!);
              }
            }
          })();
          while (Atomics.load(control, 1) < threads) await sleep(1);
          await Promise.all(
            killAfterMs.map(async (ms, thread) => {
              if (thread % 2 !== 0) return;
              await sleep(ms);
              controllers[thread]!.abort();
            }),
          );
          await sleep(5);
          Atomics.store(control, 0, 1);
          const outcomes = await Promise.all(runs);
          // Every sender is gone now, killed or done: the consumer drains and ends.
          await consumed;
          expect(wrong).toBe(0);
          for (let thread = 0; thread < threads; thread++) {
            const got = received[thread]!;
            // Each producer's values arrive once, in order: a prefix of what it made.
            expect(got.every((made, k) => made === k)).toBe(true);
            if (thread % 2 === 1) {
              expect(outcomes[thread]).toBe(got.length);
            } else {
              // A victim's last send may have gone through without its count being written.
              expect(got.length - Atomics.load(sent, thread)).toBeGreaterThanOrEqual(0);
              expect(got.length - Atomics.load(sent, thread)).toBeLessThanOrEqual(1);
            }
          }
          expect(herd.leased()).toBe(0);
          herd.reset();
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
