import type { Arena } from '@herd/bump';
import { Bump } from '@herd/bump';
import { Herd } from '@herd/herd';
import { defineScenario } from '../harness.js';

function fill(arena: Arena, n: number): number {
  const m = arena.memory;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const p = arena.alloc(16);
    m.f64[p >>> 3] = i;
    m.f64[(p >>> 3) + 1] = -i;
    last = p;
  }
  return last;
}

/** A herd member allocates with the same code as a local Bump: it should be about as fast. */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  let bump: Bump;
  let herd: Herd;
  return {
    id: 'herd/member-alloc',
    title: `${n.toLocaleString('en')} records of two f64, warm: a herd member vs a local Bump`,
    units: n,
    unit: 'record',
    baseline: 'Bump',
    targets: [{ case: 'herd member', vs: 'Bump', ratio: 1 / 1.5 }],
    cases: [
      {
        name: 'Bump',
        setup() {
          bump = new Bump();
        },
        run() {
          bump.reset();
          return fill(bump, n);
        },
      },
      {
        name: 'herd member',
        setup() {
          herd = new Herd({ maxBytes: 256 << 20 });
        },
        run() {
          herd.reset();
          const member = herd.get();
          const last = fill(member, n);
          member.release();
          return last;
        },
      },
    ],
  };
});
