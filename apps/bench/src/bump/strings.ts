import { Bump } from '@herd/bump';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';

/** What a string contributes to a checksum: its length and its last character. */
function weigh(s: string): number {
  return s.length * 131 + s.charCodeAt(s.length - 1);
}

/**
 * One million short strings (`item-123456`), makes against makes and reads against reads.
 * Make and keep: JS strings in a fresh array (returned, so they stay alive until the next run)
 * against `allocStr`, where the made string dies young and only its UTF-8 is kept, in a reused
 * (warm) or new (cold) arena. Read: every kept JS string against every `memory.str`, each
 * weighed by its length and last character, so the read has to produce the string.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 100_000 : 1_000_000;
  const names = Array.from({ length: n }, (_, i) => `item-${i}`);
  let expectedWeight = 0;
  for (const s of names) expectedWeight += weigh(s);
  let warm: Bump;
  let stored: Bump;
  let ptrs: Uint32Array;
  let kept: string[];

  function fill(bump: Bump, out: Uint32Array | null): Bump {
    for (let i = 0; i < n; i++) {
      const p = bump.allocStr(`item-${i}`);
      if (out) out[i] = p;
    }
    return bump;
  }

  /** Walks the arena's bytes, oldest chunk first: a u32 length, the bytes, then 4-alignment. */
  function verifyArena(result: unknown): void {
    const chunks = [...(result as Bump).allocatedChunks()].reverse();
    let count = 0;
    let weight = 0;
    for (const chunk of chunks) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let at = 0;
      while (at < chunk.byteLength) {
        const length = view.getUint32(at, true);
        weight += length * 131 + chunk[at + 4 + length - 1]!;
        count++;
        at = (at + 4 + length + 3) & -4;
      }
    }
    expectEqual(count, n, 'strings in the arena');
    expectEqual(weight, expectedWeight, 'checksum of the strings in the arena');
  }

  function verifyKept(result: unknown): void {
    const keep = result as string[];
    expectEqual(keep.length, n, 'strings kept');
    let weight = 0;
    for (let i = 0; i < n; i++) weight += weigh(keep[i]!);
    expectEqual(weight, expectedWeight, 'checksum of the kept strings');
  }

  const verifyRead = (result: unknown) => expectEqual(result, expectedWeight, 'checksum of the strings read');

  return {
    id: 'bump/strings',
    title: `Make and keep ${n.toLocaleString('en')} short strings; read them back`,
    units: n,
    unit: 'string',
    baseline: 'JS strings',
    cases: [
      {
        name: 'JS strings',
        note: 'make: template strings kept in a fresh array',
        run() {
          const keep = new Array<string>(n);
          for (let i = 0; i < n; i++) keep[i] = `item-${i}`;
          return keep;
        },
        verify: verifyKept,
      },
      {
        name: 'allocStr warm',
        note: 'make: `allocStr` into a reset arena',
        setup() {
          warm = fill(new Bump(), null);
        },
        run() {
          warm.reset();
          return fill(warm, null);
        },
        verify: verifyArena,
      },
      {
        name: 'allocStr cold',
        note: 'make: `allocStr` into a new arena',
        run: () => fill(new Bump(), null),
        verify: verifyArena,
      },
      {
        name: 'read kept JS strings',
        note: 'read: each kept JS string from its array (the reference for reads)',
        vs: null,
        setup() {
          kept = names.slice();
        },
        run() {
          const keep = kept;
          let weight = 0;
          for (let i = 0; i < n; i++) weight += weigh(keep[i]!);
          return weight;
        },
        verify: verifyRead,
      },
      {
        name: 'memory.str read',
        note: 'read: `memory.str(ptr)` for each Ptr of a `Uint32Array`',
        vs: 'read kept JS strings',
        setup() {
          stored = new Bump();
          ptrs = new Uint32Array(n);
          fill(stored, ptrs);
        },
        run() {
          const m = stored.memory;
          let weight = 0;
          for (let i = 0; i < n; i++) weight += weigh(m.str(ptrs[i]!));
          return weight;
        },
        verify: verifyRead,
      },
    ],
  };
});
