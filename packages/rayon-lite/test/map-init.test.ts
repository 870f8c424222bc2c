import { Herd } from '@herd/herd';
import { par, range, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

describe('mapInit', () => {
  it('should make one state per piece, not per item or per thread', async () => {
    // [0]: states made, [1]: states disposed, [2]: items seen.
    const counts = new Int32Array(new SharedArrayBuffer(12));
    const out = await pool
      .par(range(0, 100))
      .withMinLen(10)
      .withMaxLen(10)
      .with({ counts })
      .mapInit(
        ({ counts }) => {
          Atomics.add(counts, 0, 1);
          return {
            seen: 0,
            [Symbol.dispose]() {
              Atomics.add(counts, 1, 1);
            },
          };
        },
        (state, _i, { counts }) => {
          Atomics.add(counts, 2, 1);
          state.seen++;
          return state.seen;
        },
      )
      .collect();
    expect(Array.from(counts)).toEqual([10, 10, 100]);
    // Each piece of 10 counts its own items from 1.
    expect(out).toEqual(Array.from({ length: 100 }, (_, i) => (i % 10) + 1));
  });

  it('should call release() on a state without Symbol.dispose', async () => {
    const released = new Int32Array(new SharedArrayBuffer(4));
    await pool
      .par(range(0, 30))
      .withMinLen(5)
      .withMaxLen(5)
      .with({ released })
      .mapInit(
        ({ released }) => ({ release: () => Atomics.add(released, 0, 1) }),
        (_s, i) => i,
      )
      .sum();
    expect(released[0]).toBe(6);
  });

  it('should dispose the states of a piece that throws', async () => {
    const disposed = new Int32Array(new SharedArrayBuffer(4));
    await expect(
      pool
        .par(range(0, 10))
        .withMinLen(10)
        .with({ disposed })
        .mapInit(
          ({ disposed }) => ({ [Symbol.dispose]: () => Atomics.add(disposed, 0, 1) }),
          (_s, i) => {
            if (i === 4) throw new Error('mid-piece');
            return i;
          },
        )
        .collect(),
    ).rejects.toThrow(/mapInit callback threw on item 4/);
    expect(disposed[0]).toBe(1);
  });

  it('should run forEachInit with a state per piece', async () => {
    const out = new Int32Array(new SharedArrayBuffer(4 * 40));
    await pool
      .par(range(0, 40))
      .withMinLen(8)
      .withMaxLen(8)
      .with({ out })
      .forEachInit(
        () => ({ n: 0 }),
        (state, i, { out }) => {
          out[i] = ++state.n;
        },
      );
    expect(Array.from(out)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 8) + 1));
  });
});

describe('mapInit with a herd (the seed example)', () => {
  it('should run as written in DESIGN.md, with the members back when collect resolves', async () => {
    const herd = new Herd({ maxBytes: 64 * 1024 * 1024 });
    const ptrs = await par(range(0, 1000), { pool })
      .with({ herd })
      .mapInit(
        ({ herd }) => herd.get(),
        (bump, i) => {
          const p = bump.alloc(8);
          bump.memory.f64[p >>> 3] = i;
          return p;
        },
      )
      .collect();
    expect(herd.leased()).toBe(0);
    const values = ptrs.map((p) => herd.memory.f64[p >>> 3]);
    expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    herd.reset();
  });

  it('should run on the default pool too', async () => {
    const herd = new Herd({ maxBytes: 16 * 1024 * 1024 });
    const ptrs = await par(range(0, 1000))
      .with({ herd })
      .mapInit(
        ({ herd }) => herd.get(),
        (bump, i) => {
          const p = bump.alloc(8);
          bump.memory.f64[p >>> 3] = i;
          return p;
        },
      )
      .collect();
    expect(herd.leased()).toBe(0);
    expect(ptrs.map((p) => herd.memory.f64[p >>> 3])).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    herd.reset();
  });

  it('should write strings through forEachInit and read them back after', async () => {
    const herd = new Herd({ maxBytes: 16 * 1024 * 1024 });
    const words = Array.from({ length: 200 }, (_, i) => `word-${i}-é`);
    const slots = new Uint32Array(new SharedArrayBuffer(4 * words.length));
    await pool
      .par(words)
      .enumerate()
      .with({ herd, slots })
      .forEachInit(
        ({ herd }) => herd.get(),
        (bump, [i, word], { slots }) => {
          slots[i] = bump.allocStr(word);
        },
      );
    expect(herd.leased()).toBe(0);
    expect(Array.from(slots, (p) => herd.memory.str(p))).toEqual(words);
    herd.reset();
  });

  it('should return the leases of a callback that fails mid-piece', async () => {
    const herd = new Herd({ maxBytes: 16 * 1024 * 1024 });
    await expect(
      pool
        .par(range(0, 100))
        .with({ herd })
        .mapInit(
          ({ herd }) => herd.get(),
          (bump, i) => {
            if (i === 50) throw new Error('fail');
            return bump.alloc(8);
          },
        )
        .collect(),
    ).rejects.toThrow(/item 50/);
    expect(herd.leased()).toBe(0);
    expect(() => herd.reset()).not.toThrow();
  });
});
