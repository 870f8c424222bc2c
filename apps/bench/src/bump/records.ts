import { Bump, struct } from '@herd/bump';
import { MemPool } from '@thi.ng/malloc';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';

/** Bytes a MemPool needs for `n` blocks of 16 bytes: its blocks carry an 8-byte header each,
 * rounded to its alignment, plus its state at the start of the buffer. */
function poolBytes(n: number): number {
  return n * 32 + (1 << 16);
}

const Point = struct({ x: 'f64', y: 'f64' });

interface Xy {
  x: number;
  y: number;
}

/**
 * One million records of two f64 made and kept, warm against warm and cold against cold.
 * Cold: object literals kept in a fresh array (the array is returned, so the harness keeps it
 * alive until the next run, as kept objects really cost), a fresh flat `Float64Array`, a new
 * @thi.ng/malloc `MemPool`, a new `Bump`. Warm, where the memory is made once and reused: the
 * same objects rewritten, one flat `Float64Array` rewritten, `MemPool.freeAll()`, `Bump.reset()`.
 * Every run's records are read back and checked.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  let warm: Bump;
  let pool: MemPool;
  let objects: Xy[];
  let flat: Float64Array;

  function fillBump(bump: Bump): Bump {
    const m = bump.memory;
    for (let i = 0; i < n; i++) {
      const p = bump.alloc(16);
      m.f64[p >>> 3] = i;
      m.f64[(p >>> 3) + 1] = i * 0.5;
    }
    return bump;
  }

  /** Walks the arena's chunks, oldest first: the records must be there in order, and nothing else. */
  function verifyBump(bump: unknown): void {
    const chunks = [...(bump as Bump).allocatedChunks()].reverse();
    let i = 0;
    for (const chunk of chunks) {
      expectEqual(chunk.byteLength % 16, 0, 'bytes in a chunk, modulo 16');
      const f64 = new Float64Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 8);
      for (let k = 0; k < f64.length; k += 2, i++) {
        if (f64[k] !== i || f64[k + 1] !== i * 0.5)
          throw new Error(`record ${i} reads ${f64[k]}, ${f64[k + 1]}`);
      }
    }
    expectEqual(i, n, 'records in the arena');
  }

  function verifyObjects(result: unknown): void {
    const keep = result as Xy[];
    expectEqual(keep.length, n, 'records kept');
    for (let i = 0; i < n; i++) {
      const r = keep[i]!;
      if (r.x !== i || r.y !== i * 0.5) throw new Error(`record ${i} reads ${r.x}, ${r.y}`);
    }
  }

  function writeFlat(f64: Float64Array): Float64Array {
    for (let i = 0; i < n; i++) {
      f64[2 * i] = i;
      f64[2 * i + 1] = i * 0.5;
    }
    return f64;
  }

  function verifyFlat(result: unknown): void {
    const f64 = result as Float64Array;
    expectEqual(f64.length, 2 * n, 'numbers in the array');
    for (let i = 0; i < n; i++) {
      if (f64[2 * i] !== i || f64[2 * i + 1] !== i * 0.5) throw new Error(`record ${i} is wrong`);
    }
  }

  function fillPool(memPool: MemPool): { pool: MemPool; first: number; last: number } {
    const f64 = new Float64Array(memPool.buf);
    let first = 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const p = memPool.malloc(16);
      f64[p >>> 3] = i;
      f64[(p >>> 3) + 1] = i * 0.5;
      if (i === 0) first = p;
      last = p;
    }
    return { pool: memPool, first, last };
  }

  /** A pool after `freeAll()` (or a new one) hands out blocks at one stride: the records are there. */
  function verifyPool(result: unknown): void {
    const { pool: memPool, first, last } = result as ReturnType<typeof fillPool>;
    if (first === 0 || last === 0) throw new Error('MemPool ran out of memory');
    const stride = (last - first) / (n - 1);
    if (!Number.isInteger(stride) || stride < 16) throw new Error(`blocks are not evenly spaced (${stride})`);
    const f64 = new Float64Array(memPool.buf);
    for (let i = 0; i < n; i++) {
      const p = (first + i * stride) >>> 3;
      if (f64[p] !== i || f64[p + 1] !== i * 0.5) throw new Error(`record ${i} is wrong`);
    }
  }

  return {
    id: 'bump/records',
    title: `Make and keep ${n.toLocaleString('en')} records of two f64`,
    units: n,
    unit: 'record',
    baseline: 'object literals',
    targets: [
      // As filed in the first milestone: a warm arena against fresh objects, and against malloc.
      { case: 'bump warm', vs: 'object literals', ratio: 20 },
      { case: 'bump warm', vs: '@thi.ng/malloc warm', ratio: 10 },
    ],
    cases: [
      {
        name: 'object literals',
        note: 'cold: `{ x, y }` made and kept in a fresh array each run',
        run() {
          const keep = new Array<Xy>(n);
          for (let i = 0; i < n; i++) keep[i] = { x: i, y: i * 0.5 };
          return keep;
        },
        verify: verifyObjects,
      },
      {
        name: 'reused objects',
        note: 'warm: the same objects, made once, rewritten each run',
        vs: 'object literals',
        setup() {
          objects = Array.from({ length: n }, () => ({ x: 0, y: 0 }));
        },
        run() {
          const keep = objects;
          for (let i = 0; i < n; i++) {
            const r = keep[i]!;
            r.x = i;
            r.y = i * 0.5;
          }
          return keep;
        },
        verify: verifyObjects,
      },
      {
        name: 'flat Float64Array, fresh',
        note: 'cold: one `new Float64Array(2n)` each run, record i at 2i',
        run: () => writeFlat(new Float64Array(2 * n)),
        verify: verifyFlat,
      },
      {
        name: 'flat Float64Array, reused',
        note: 'warm: one `Float64Array(2n)` made once, rewritten each run',
        vs: 'reused objects',
        setup() {
          flat = new Float64Array(2 * n);
        },
        run: () => writeFlat(flat),
        verify: verifyFlat,
      },
      {
        name: '@thi.ng/malloc cold',
        note: 'a new `MemPool` each run, `malloc(16)` and two writes',
        run: () => fillPool(new MemPool({ size: poolBytes(n), align: 8 })),
        verify: verifyPool,
      },
      {
        name: '@thi.ng/malloc warm',
        note: 'one `MemPool`, `freeAll()` each run',
        vs: 'reused objects',
        setup() {
          pool = new MemPool({ size: poolBytes(n), align: 8 });
        },
        run() {
          pool.freeAll();
          return fillPool(pool);
        },
        verify: verifyPool,
      },
      {
        name: 'bump cold',
        note: 'a new `Bump` each run, `alloc(16)` and two writes through `memory.f64`',
        run: () => fillBump(new Bump()),
        verify: verifyBump,
      },
      {
        name: 'bump warm',
        note: 'one `Bump`, `reset()` each run',
        vs: 'reused objects',
        setup() {
          warm = fillBump(new Bump());
        },
        run() {
          warm.reset();
          return fillBump(warm);
        },
        verify: verifyBump,
      },
      {
        name: 'bump struct warm',
        note: '`Point.alloc(bump)`, `Point.set.x/y` on a reset `Bump`',
        vs: 'reused objects',
        setup() {
          warm = fillBump(new Bump());
        },
        run() {
          const bump = warm;
          bump.reset();
          const m = bump.memory;
          for (let i = 0; i < n; i++) {
            const p = Point.alloc(bump);
            Point.set.x(m, p, i);
            Point.set.y(m, p, i * 0.5);
          }
          return bump;
        },
        verify: verifyBump,
      },
    ],
  };
});
