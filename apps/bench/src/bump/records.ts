import { Bump, struct } from '@herd/bump';
import { MemPool } from '@thi.ng/malloc';
import { defineScenario } from '../harness.js';

/** Bytes a MemPool needs for `n` blocks of 16 bytes: its blocks carry an 8-byte header each,
 * rounded to its alignment, plus its state at the start of the buffer. */
function poolBytes(n: number): number {
  return n * 32 + (1 << 16);
}

const Point = struct({ x: 'f64', y: 'f64' });

/**
 * One million records of two f64 made and kept: bump allocation plus two writes through the
 * arena's views, against object literals kept in a fresh array (the array is returned, so the
 * harness keeps it alive until the next run, as kept objects really cost), a `Float64Array(2)`
 * per record, and @thi.ng/malloc's `MemPool` (malloc plus the same two writes). Warm cases reuse
 * one arena or pool (`reset()`, `freeAll()`); cold ones make a new one each run.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  let warm: Bump;
  let pool: MemPool;

  function fillBump(bump: Bump): number {
    const m = bump.memory;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const p = bump.alloc(16);
      m.f64[p >>> 3] = i;
      m.f64[(p >>> 3) + 1] = i * 0.5;
      last = p;
    }
    return last;
  }

  function fillPool(memPool: MemPool): number {
    const f64 = new Float64Array(memPool.buf);
    let last = 0;
    for (let i = 0; i < n; i++) {
      const p = memPool.malloc(16);
      f64[p >>> 3] = i;
      f64[(p >>> 3) + 1] = i * 0.5;
      last = p;
    }
    if (last === 0) throw new Error('MemPool ran out of memory');
    return last;
  }

  return {
    id: 'bump/records',
    title: `Make and keep ${n.toLocaleString('en')} records of two f64`,
    units: n,
    unit: 'record',
    baseline: 'object literals',
    targets: [
      { case: 'bump warm', vs: 'object literals', ratio: 20 },
      { case: 'bump warm', vs: '@thi.ng/malloc warm', ratio: 10 },
    ],
    cases: [
      {
        name: 'object literals',
        run() {
          const keep = new Array<{ x: number; y: number }>(n);
          for (let i = 0; i < n; i++) keep[i] = { x: i, y: i * 0.5 };
          return keep;
        },
      },
      {
        name: 'new Float64Array(2)',
        run() {
          const keep = new Array<Float64Array>(n);
          for (let i = 0; i < n; i++) {
            const v = new Float64Array(2);
            v[0] = i;
            v[1] = i * 0.5;
            keep[i] = v;
          }
          return keep;
        },
      },
      {
        name: '@thi.ng/malloc warm',
        setup() {
          pool = new MemPool({ size: poolBytes(n), align: 8 });
        },
        run() {
          pool.freeAll();
          return fillPool(pool);
        },
      },
      {
        name: '@thi.ng/malloc cold',
        run: () => fillPool(new MemPool({ size: poolBytes(n), align: 8 })),
      },
      {
        name: 'bump warm',
        setup() {
          warm = new Bump();
          fillBump(warm);
        },
        run() {
          warm.reset();
          return fillBump(warm);
        },
      },
      {
        name: 'bump cold',
        run: () => fillBump(new Bump()),
      },
      {
        name: 'bump struct warm',
        setup() {
          warm = new Bump();
          fillBump(warm);
        },
        run() {
          const bump = warm;
          bump.reset();
          const m = bump.memory;
          let last = 0;
          for (let i = 0; i < n; i++) {
            const p = Point.alloc(bump);
            Point.set.x(m, p, i);
            Point.set.y(m, p, i * 0.5);
            last = p;
          }
          return last;
        },
      },
    ],
  };
});
