import { Bump } from '@herd/bump';
import { Herd } from '@herd/herd';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';

interface Xy {
  x: number;
  y: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('this scenario needs --expose-gc (the bench runner passes it)');
  gc();
}

/**
 * Where arenas win in JavaScript: millions of records kept alive. Each run builds 5M records of
 * two f64 from a clean heap (the previous run's are let go and collected first) as object
 * literals in an array, in a fresh `Bump`, or in a fresh `Herd` through one member; each case
 * runs in a process of its own. After each run, with the records alive: how long a full garbage
 * collection pauses the thread, and the process's resident memory.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 500_000 : 5_000_000;

  const measure = () => {
    const start = performance.now();
    collectGarbage();
    const gcMs = performance.now() - start;
    const { rss, heapUsed } = process.memoryUsage();
    return { 'full GC (ms)': gcMs, 'RSS (MB)': rss / 2 ** 20, 'JS heap (MB)': heapUsed / 2 ** 20 };
  };

  function verifyRecords(f64: Float64Array, at: number, count: number, from: number): number {
    for (let i = 0; i < count; i++, at += 2) {
      const k = from + i;
      if (f64[at] !== k || f64[at + 1] !== k * 0.5)
        throw new Error(`record ${k} reads ${f64[at]}, ${f64[at + 1]}`);
    }
    return from + count;
  }

  return {
    id: 'bump/at-scale',
    title: `Build and keep ${n.toLocaleString('en')} records of two f64, each way in its own process`,
    units: n,
    unit: 'record',
    baseline: 'object literals',
    cases: [
      {
        name: 'object literals',
        note: '`{ x, y }` kept in an array',
        beforeRun: collectGarbage,
        run() {
          const keep = new Array<Xy>(n);
          for (let i = 0; i < n; i++) keep[i] = { x: i, y: i * 0.5 };
          return keep;
        },
        verify(result) {
          const keep = result as Xy[];
          expectEqual(keep.length, n, 'records kept');
          for (let i = 0; i < n; i++) {
            const r = keep[i]!;
            if (r.x !== i || r.y !== i * 0.5) throw new Error(`record ${i} reads ${r.x}, ${r.y}`);
          }
        },
        measure,
      },
      {
        name: 'fresh Bump',
        note: '`alloc(16)` and two writes into a new `Bump`',
        beforeRun: collectGarbage,
        run() {
          const bump = new Bump();
          const m = bump.memory;
          for (let i = 0; i < n; i++) {
            const p = bump.alloc(16);
            m.f64[p >>> 3] = i;
            m.f64[(p >>> 3) + 1] = i * 0.5;
          }
          return bump;
        },
        verify(result) {
          let next = 0;
          for (const chunk of [...(result as Bump).allocatedChunks()].reverse()) {
            const f64 = new Float64Array(chunk.buffer, chunk.byteOffset, chunk.byteLength >>> 3);
            next = verifyRecords(f64, 0, f64.length >>> 1, next);
          }
          expectEqual(next, n, 'records in the arena');
        },
        measure,
      },
      {
        name: 'fresh Herd',
        note: 'one member of a new `Herd` (256 MiB reserved), `alloc(16)` and two writes',
        beforeRun: collectGarbage,
        run() {
          const herd = new Herd({ maxBytes: 256 << 20 });
          const member = herd.get();
          const m = member.memory;
          const first = member.alloc(16);
          m.f64[first >>> 3] = 0;
          m.f64[(first >>> 3) + 1] = 0;
          for (let i = 1; i < n; i++) {
            const p = member.alloc(16);
            m.f64[p >>> 3] = i;
            m.f64[(p >>> 3) + 1] = i * 0.5;
          }
          member.release();
          return { herd, first };
        },
        verify(result) {
          // A lone member's chunks are carved one after another: its records are contiguous.
          const { herd, first } = result as { herd: Herd; first: number };
          expectEqual(verifyRecords(herd.memory.f64, first >>> 3, n, 0), n, 'records in the herd');
        },
        measure,
      },
    ],
  };
});
