import type { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Herd } from '../src/index.js';
import { assertDisjoint, exited, startFixture } from './helpers.js';

const label = (id: number, i: number) => `w${id}-r${i}${'é'.repeat(i % 4)}`;

describe('Herd across threads', () => {
  for (const workers of [2, 4, 8]) {
    it(`should keep every record of ${workers} workers allocating 100k records each at once`, async () => {
      const herd = new Herd({ maxBytes: 512 << 20 });
      const count = 100_000;
      const out = new SharedArrayBuffer(workers * count * 4);
      const started = Array.from({ length: workers }, (_, id) =>
        startFixture('records.mjs', { herd: herd.toShared(), id, count, churn: 997, out }),
      );
      const ends = await Promise.all(started.map(exited));
      expect(ends.map((e) => e.code)).toEqual(started.map(() => 0));
      expect(herd.leased()).toBe(0);

      const m = herd.memory;
      const ptrs = new Uint32Array(out);
      const ranges: Array<[number, number]> = [];
      let wrong = 0;
      for (let id = 0; id < workers; id++) {
        for (let i = 0; i < count; i++) {
          const p = ptrs[id * count + i]!;
          const s = m.u32[(p >>> 2) + 2]!;
          if (m.u32[p >>> 2] !== id || m.u32[(p >>> 2) + 1] !== i || m.str(s) !== label(id, i)) wrong++;
          ranges.push([p, p + 12], [s, s + 4 + m.strByteLength(s)]);
        }
      }
      expect(wrong).toBe(0);
      assertDisjoint(ranges);

      herd.reset();
      expect(herd.allocatedBytes()).toBe(0);
      const bump = herd.get();
      expect(bump.alloc(12, 4)).toBeLessThan(Math.min(...ptrs.subarray(0, count)) + 64 * 1024);
      bump.release();
    });
  }

  for (const how of ['exit', 'throw']) {
    it(`should let releaseThread return the lease of a worker that died (${how}) and keep its data`, async () => {
      const herd = new Herd({ maxBytes: 1 << 20 });
      const out = new SharedArrayBuffer(4);
      const worker = startFixture('die-holding.mjs', { herd: herd.toShared(), out, how });
      const { threadId } = worker;
      const end = await exited(worker);
      expect(end.code).toBe(how === 'exit' ? 7 : 1);
      expect(herd.leased()).toBe(1);
      expect(() => herd.reset()).toThrow(/1 member is leased/);
      expect(herd.releaseThread(threadId)).toBe(1);
      expect(herd.releaseThread(threadId)).toBe(0);
      expect(herd.leased()).toBe(0);
      expect(herd.memory.str(new Int32Array(out)[0]!)).toBe('written before dying');
      herd.reset();
    });
  }

  describe('get/release churn (property)', () => {
    const herd = new Herd({ maxBytes: 64 << 20, chunkSize: 512, maxMembers: 64 });
    let workers: Worker[] = [];
    beforeAll(() => {
      workers = [0, 1, 2].map(() => startFixture('churn.mjs', { herd: herd.toShared() }));
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    });

    const run = (w: Worker, ops: unknown) =>
      new Promise<Array<[number, number, number, number]>>((resolve, reject) => {
        const onMessage = (made: Array<[number, number, number, number]>) => {
          w.off('error', onError);
          resolve(made);
        };
        const onError = (error: unknown) => {
          w.off('message', onMessage);
          reject(error);
        };
        w.once('message', onMessage);
        w.once('error', onError);
        w.postMessage(ops);
      });

    const op = fc.record({
      sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 20 }),
      fill: fc.integer({ min: 1, max: 255 }),
    });
    const withAligns = (o: { sizes: number[]; fill: number }, seed: number) => ({
      ...o,
      aligns: o.sizes.map((_, i) => 2 ** ((seed + i * 7) % 8)),
    });

    it('should keep allocations of concurrent leases disjoint, aligned and intact', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(op, { maxLength: 30 }), { minLength: 3, maxLength: 3 }),
          async (plans) => {
            const made = (
              await Promise.all(
                plans.map((ops, w) =>
                  run(
                    workers[w]!,
                    ops.map((o, i) => withAligns(o, w + i)),
                  ),
                ),
              )
            ).flat();
            expect(herd.leased()).toBe(0);
            const u8 = herd.memory.u8;
            for (const [p, size, fill, align] of made) {
              expect(p % align).toBe(0);
              for (let i = 0; i < size; i++)
                if (u8[p + i] !== fill) throw new Error(`byte ${p + i} was overwritten`);
            }
            assertDisjoint(made.map(([p, size]) => [p, p + size]));
            herd.reset();
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
