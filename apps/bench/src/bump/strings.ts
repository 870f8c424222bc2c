import { Bump } from '@herd/bump';
import { defineScenario } from '../harness.js';

/**
 * One million short strings (`item-123456`) made and kept: JS strings in a fresh array (returned,
 * so they stay alive until the next run) against `allocStr`, where the made string dies young and
 * only its UTF-8 is kept, in a reused (warm) or new (cold) arena. A last case reads them all back
 * with `memory.str`, for the cost of a read.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  let warm: Bump;
  let stored: Bump;
  let ptrs: Uint32Array;

  function fill(bump: Bump, out: Uint32Array | null): number {
    let last = 0;
    for (let i = 0; i < n; i++) {
      last = bump.allocStr(`item-${i}`);
      if (out) out[i] = last;
    }
    return last;
  }

  return {
    id: 'bump/strings',
    title: `Make and keep ${n.toLocaleString('en')} short strings`,
    units: n,
    unit: 'string',
    baseline: 'JS strings',
    cases: [
      {
        name: 'JS strings',
        run() {
          const keep = new Array<string>(n);
          for (let i = 0; i < n; i++) keep[i] = `item-${i}`;
          return keep;
        },
      },
      {
        name: 'allocStr warm',
        setup() {
          warm = new Bump();
          fill(warm, null);
        },
        run() {
          warm.reset();
          return fill(warm, null);
        },
      },
      {
        name: 'allocStr cold',
        run: () => fill(new Bump(), null),
      },
      {
        name: 'memory.str read',
        setup() {
          stored = new Bump();
          ptrs = new Uint32Array(n);
          fill(stored, ptrs);
        },
        run() {
          const m = stored.memory;
          let chars = 0;
          for (let i = 0; i < n; i++) chars += m.str(ptrs[i]!).length;
          return chars;
        },
      },
    ],
  };
});
