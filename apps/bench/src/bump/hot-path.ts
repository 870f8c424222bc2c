import type { Arena } from '@herd/bump';
import { Bump } from '@herd/bump';
import { Herd, type Member } from '@herd/herd';
import { type BenchCase, defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';

/**
 * What a program does with an arena before the loop that matters: allocations of several sizes
 * and alignments, strings, slices. The engine then compiles `alloc` with all of that in its
 * feedback, as it would in a real program, instead of for one size only.
 */
function mixedWarmUp(arena: Arena, reset: () => void): void {
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 5000; i++) {
      arena.alloc(1, 1);
      arena.alloc(3, 2);
      arena.alloc(12, 4);
      arena.alloc(24);
      arena.alloc(40, 16);
      arena.allocZeroed(32);
      arena.tryAlloc(20, 4);
      arena.allocStr(i % 2 === 0 ? 'héllo' : `name-${i}`);
      arena.allocSlice(Float64Array, 4)[0] = i;
      arena.alloc(16);
    }
    reset();
  }
}

/**
 * The hot path: `alloc(16)` and two f64 writes, a million times, in a warm arena, against the
 * raw bump loop (a local position and a `Float64Array` over a plain `ArrayBuffer`). `Bump` and a
 * herd `Member` each alone in their process with nothing else ever allocated ("clean"), and
 * after a mixed warm-up of several sizes, alignments and strings.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  let bump: Bump;
  let herd: Herd;

  function fillArena(arena: Arena): void {
    const m = arena.memory;
    for (let i = 0; i < n; i++) {
      const p = arena.alloc(16);
      m.f64[p >>> 3] = i;
      m.f64[(p >>> 3) + 1] = -i;
    }
  }

  function verifyBump(result: unknown): void {
    const chunks = [...(result as Bump).allocatedChunks()].reverse();
    let i = 0;
    for (const chunk of chunks) {
      const f64 = new Float64Array(chunk.buffer, chunk.byteOffset, chunk.byteLength >>> 3);
      for (let k = 0; k < f64.length; k += 2, i++) {
        if (f64[k] !== i || f64[k + 1] !== -i) throw new Error(`record ${i} reads ${f64[k]}, ${f64[k + 1]}`);
      }
    }
    expectEqual(i, n, 'records in the arena');
  }

  /** One member, leased from a reset herd: its chunks are carved one after another, so its records are contiguous. */
  function fillMember(): { first: number } {
    herd.reset();
    const member: Member = herd.get();
    const first = member.alloc(16);
    const m = member.memory;
    m.f64[first >>> 3] = 0;
    m.f64[(first >>> 3) + 1] = -0;
    for (let i = 1; i < n; i++) {
      const p = member.alloc(16);
      m.f64[p >>> 3] = i;
      m.f64[(p >>> 3) + 1] = -i;
    }
    member.release();
    return { first };
  }

  function verifyMember(result: unknown): void {
    const { first } = result as ReturnType<typeof fillMember>;
    const f64 = herd.memory.f64;
    for (let i = 0, at = first >>> 3; i < n; i++, at += 2) {
      if (f64[at] !== i || f64[at + 1] !== -i)
        throw new Error(`record ${i} reads ${f64[at]}, ${f64[at + 1]}`);
    }
  }

  /** The raw bump loop over a fixed-length view of the buffer `make` returns (each case in its own process). */
  function rawLoopCase(name: string, note: string, make: () => ArrayBuffer): BenchCase {
    let raw: Float64Array;
    return {
      name,
      note,
      setup() {
        raw = new Float64Array(make(), 0, n * 2);
      },
      run() {
        const f64 = raw;
        let pos = 0;
        for (let i = 0; i < n; i++) {
          const p = pos;
          pos += 16;
          f64[p >>> 3] = i;
          f64[(p >>> 3) + 1] = -i;
        }
        return pos;
      },
      verify(result) {
        expectEqual(result, n * 16, 'bytes bumped');
        for (let i = 0; i < n; i++) {
          if (raw[2 * i] !== i || raw[2 * i + 1] !== -i) throw new Error(`record ${i} is wrong`);
        }
      },
    };
  }

  const newHerd = () => new Herd({ maxBytes: 256 << 20 });

  return {
    id: 'bump/hot-path',
    title: `alloc(16) + two f64 writes, ${n.toLocaleString('en')} times in a warm arena`,
    units: n,
    unit: 'record',
    baseline: 'raw bump loop',
    targets: [
      { case: 'Bump, clean', vs: 'raw bump loop', within: 2 },
      { case: 'Bump, after mixed warm-up', vs: 'raw bump loop', within: 2 },
      { case: 'Member, clean', vs: 'raw bump loop', within: 2 },
      { case: 'Member, after mixed warm-up', vs: 'raw bump loop', within: 2 },
      { case: 'Member, clean', vs: 'Bump, clean', within: 1.5 },
    ],
    cases: [
      rawLoopCase(
        'raw bump loop',
        'a local position, `Float64Array` over a plain `ArrayBuffer` (no arena)',
        () => new ArrayBuffer(n * 16),
      ),
      {
        ...rawLoopCase(
          'raw bump loop, resizable buffer',
          "the same loop through a fixed-length view of a resizable `ArrayBuffer`, the kind of view a `Bump`'s memory is (it stays valid as the arena grows): the floor for such an arena",
          () => new ArrayBuffer(n * 16, { maxByteLength: 1 << 30 }),
        ),
        vs: 'raw bump loop',
      },
      {
        name: 'Bump, clean',
        note: 'only `alloc(16)` ever runs in the process',
        setup() {
          bump = new Bump();
          fillArena(bump);
        },
        run() {
          bump.reset();
          fillArena(bump);
          return bump;
        },
        verify: verifyBump,
      },
      {
        name: 'Bump, after mixed warm-up',
        setup() {
          bump = new Bump();
          mixedWarmUp(bump, () => bump.reset());
          fillArena(bump);
        },
        run() {
          bump.reset();
          fillArena(bump);
          return bump;
        },
        verify: verifyBump,
      },
      {
        name: 'Member, clean',
        note: 'one member of a herd, leased from a reset herd each run',
        setup() {
          herd = newHerd();
        },
        run: fillMember,
        verify: verifyMember,
      },
      {
        name: 'Member, after mixed warm-up',
        setup() {
          herd = newHerd();
          const member = herd.get();
          mixedWarmUp(member, () => {});
          member.release();
          herd.reset();
        },
        run: fillMember,
        verify: verifyMember,
      },
    ],
  };
});
