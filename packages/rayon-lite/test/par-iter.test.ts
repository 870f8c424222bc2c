import { range, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedBuffersOver4GiB } from '../../../scripts/test-runtime.js';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const seq = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('par(range)', () => {
  it('should collect a mapped range in order', async () => {
    expect(
      await pool
        .par(range(0, 1000))
        .map((i) => i * 3)
        .collect(),
    ).toEqual(seq(1000).map((i) => i * 3));
  });

  it('should start at the range start', async () => {
    expect(await pool.par(range(-3, 4)).collect()).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  });

  it('should give the identity results on an empty range', async () => {
    const empty = pool.par(range(5, 5));
    expect(await empty.collect()).toEqual([]);
    expect(await empty.sum()).toBe(0);
    expect(await empty.count()).toBe(0);
    expect(await empty.min()).toBeUndefined();
    expect(await empty.max()).toBeUndefined();
    expect(await empty.findAny(() => true)).toBeUndefined();
    expect(await empty.any(() => true)).toBe(false);
    expect(await empty.all(() => false)).toBe(true);
    expect(
      await empty.reduce(
        () => 7,
        (a, b) => a + b,
      ),
    ).toBe(7);
  });

  it('should handle a single item', async () => {
    const one = pool.par(range(41, 42));
    expect(await one.map((i) => i + 1).collect()).toEqual([42]);
    expect(await one.min()).toBe(41);
    expect(await one.sum()).toBe(41);
  });
});

describe('par(array)', () => {
  it('should keep the order of an array of objects', async () => {
    const people = seq(300).map((i) => ({ id: i, name: `p${i}` }));
    const names = await pool
      .par(people)
      .map((p) => p.name.toUpperCase())
      .collect();
    expect(names).toEqual(people.map((p) => p.name.toUpperCase()));
  });

  it('should pack a long array of numbers and keep -0 and NaN', async () => {
    const values = seq(5000).map((i) => (i === 7 ? -0 : i === 9 ? Number.NaN : i / 2));
    const out = await pool
      .par(values)
      .map((x) => x)
      .collect();
    expect(out).toEqual(values);
    expect(Object.is(out[7], -0)).toBe(true);
  });

  it('should read an array-like object', async () => {
    expect(await pool.par({ length: 3, 0: 'a', 1: 'b', 2: 'c' }).collect()).toEqual(['a', 'b', 'c']);
  });

  it('should collect numbers and other values mixed in one piece', async () => {
    const mixed = seq(100).map((i) => (i % 10 === 3 ? `s${i}` : i));
    expect(
      await pool
        .par(range(0, 100))
        .map((i) => (i % 10 === 3 ? `s${i}` : i))
        .collect(),
    ).toEqual(mixed);
  });
});

describe('par(typed array)', () => {
  it('should read a typed array over a SharedArrayBuffer', async () => {
    // Filled in place: TypedArray#map would make a new, unshared array.
    const shared = new Float64Array(new SharedArrayBuffer(8 * 1000));
    shared.forEach((_, i) => {
      shared[i] = i * 0.5;
    });
    expect(await pool.par(shared).sum()).toBe(seq(1000).reduce((a, i) => a + i * 0.5, 0));
  });

  it('should read a typed array over an ordinary buffer', async () => {
    const local = Int16Array.from(seq(700), (i) => i - 350);
    expect(await pool.par(local).min()).toBe(-350);
    expect(await pool.par(local).max()).toBe(349);
  });

  it('should let workers write back through shared memory in forEach', async () => {
    const out = new Int32Array(new SharedArrayBuffer(4 * 500));
    await pool
      .par(range(0, 500))
      .with({ out })
      .forEach((i, { out }) => {
        out[i] = i * i;
      });
    expect(Array.from(out)).toEqual(seq(500).map((i) => i * i));
  });

  it('should read a view of a SharedArrayBuffer of 4 GiB or more, which Node 20 posts as empty', async ({
    skip,
  }) => {
    skip(!sharedBuffersOver4GiB, 'a SharedArrayBuffer over 4 GiB (not in Bun)');
    const big = new SharedArrayBuffer(2 ** 32 + 8 * 1024);
    const tail = new Float64Array(big, 2 ** 32, 1024);
    tail.forEach((_, i) => {
      tail[i] = i + 1;
    });
    expect(await pool.par(tail).sum()).toBe((1024 * 1025) / 2);
    expect(
      await pool
        .par(tail)
        .filter((x) => x > 1020)
        .collect(),
    ).toEqual([1021, 1022, 1023, 1024]);
  });

  it('should collect from a source of 2^29 items, whose shared output is 4 GiB', async () => {
    const step = 2 ** 27;
    expect(
      await pool
        .par(range(0, 2 ** 29))
        .with({ step })
        .filter((i, { step }) => i % step === 0)
        .collect(),
    ).toEqual([0, step, 2 * step, 3 * step]);
  });
});

describe('adapters', () => {
  it('should filter', async () => {
    expect(
      await pool
        .par(range(0, 50))
        .filter((i) => i % 7 === 0)
        .collect(),
    ).toEqual([0, 7, 14, 21, 28, 35, 42, 49]);
  });

  it('should filterMap, dropping undefined and null', async () => {
    const out = await pool
      .par(range(0, 30))
      .filterMap((i) => (i % 3 === 0 ? i : i % 3 === 1 ? undefined : null))
      .collect();
    expect(out).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  });

  it('should flatMap any iterable in order', async () => {
    const out = await pool
      .par(range(0, 40))
      .flatMap((n) => new Set([n, n + 0.5]))
      .collect();
    expect(out).toEqual(seq(40).flatMap((n) => [n, n + 0.5]));
  });

  it('should reject a flatMap callback that returns no iterable, naming the item', async () => {
    await expect(
      pool
        .par([1, 2])
        // Only item 0 fails: with both failing, either could be the one a worker meets first.
        .flatMap((x) => (x === 1 ? (5 as unknown as number[]) : [x]))
        .collect(),
    ).rejects.toThrow(/flatMap callback threw on item 0/);
  });

  it('should enumerate by position in the source, before a filter', async () => {
    const out = await pool
      .par(['a', 'b', 'c', 'd'])
      .enumerate()
      .filter(([i]) => i % 2 === 1)
      .collect();
    expect(out).toEqual([
      [1, 'b'],
      [3, 'd'],
    ]);
  });

  it('should refuse enumerate after filter, filterMap or flatMap', () => {
    expect(() =>
      pool
        .par([1])
        .filter(() => true)
        .enumerate(),
    ).toThrow(TypeError);
    expect(() =>
      pool
        .par([1])
        .filterMap((x) => x)
        .enumerate(),
    ).toThrow(/enumerate: must come before/);
    expect(() =>
      pool
        .par([1])
        .flatMap((x) => [x])
        .enumerate(),
    ).toThrow(/found flatMap/);
  });

  it('should pass the context as the last argument of every callback', async () => {
    const it2 = pool.par(range(0, 20)).with({ k: 3 });
    expect(
      await it2
        .map((x, c) => x * c.k)
        .filter((x, c) => x % c.k === 0)
        .sum(),
    ).toBe(3 * 190);
    expect(
      await it2.reduce(
        (c) => c.k - 3,
        (a, b, c) => (a + b) * (c.k / 3),
      ),
    ).toBe(190);
    expect(await it2.any((x, c) => x === c.k)).toBe(true);
  });

  it('should not change an iterator when an adapter is added', async () => {
    const base = pool.par(range(0, 10));
    const doubled = base.map((x) => x * 2);
    expect(await base.sum()).toBe(45);
    expect(await doubled.sum()).toBe(90);
  });
});

describe('terminals', () => {
  it('should reduce in order with an associative, non-commutative op', async () => {
    const words = seq(200).map((i) => String.fromCharCode(97 + (i % 26)));
    expect(await pool.par(words).reduce('', (a, b) => a + b)).toBe(words.join(''));
  });

  it('should reduce with an identity function called per piece', async () => {
    const calls = new Int32Array(new SharedArrayBuffer(4));
    const out = await pool
      .par(range(0, 100))
      .withMinLen(10)
      .withMaxLen(10)
      .map((x) => [x])
      .with({ calls })
      .reduce(
        ({ calls }) => {
          Atomics.add(calls, 0, 1);
          return [] as number[];
        },
        (a, b) => a.concat(b),
      );
    expect(out).toEqual(seq(100));
    expect(calls[0]).toBe(10);
  });

  it('should count, sum, min and max', async () => {
    const it2 = pool.par(range(0, 1001)).map((i) => (i * 37) % 1001);
    expect(await it2.count()).toBe(1001);
    expect(await it2.sum()).toBe(500500);
    expect(await it2.min()).toBe(0);
    expect(await it2.max()).toBe(1000);
  });

  it('should compare strings in min and max', async () => {
    const words = ['pear', 'apple', 'zebra', 'mango'];
    expect(await pool.par(words).min()).toBe('apple');
    expect(await pool.par(words).max()).toBe('zebra');
  });

  it('should reject sum of a non-number, naming the item', async () => {
    await expect(pool.par([1, 2, 'x', 4]).sum()).rejects.toThrow(/sum callback threw on item 2/);
  });

  it('should answer any, all and findAny', async () => {
    const it2 = pool.par(range(0, 100_000));
    expect(await it2.any((i) => i === 99_999)).toBe(true);
    expect(await it2.any((i) => i < 0)).toBe(false);
    expect(await it2.all((i) => i >= 0)).toBe(true);
    expect(await it2.all((i) => i !== 5000)).toBe(false);
    const found = await it2.findAny((i) => i % 1000 === 999);
    expect(found! % 1000).toBe(999);
    expect(await it2.findAny((i) => i < 0)).toBeUndefined();
  });

  it('should start each worker in a region of its own, so a match in the upper half is found without walking the lower half', async () => {
    const half = 100_000_000;
    const lowerSeen = new Int32Array(new SharedArrayBuffer(4));
    const found = await pool
      .par(range(0, 2 * half))
      .with({ half, lowerSeen })
      .findAny((i, { half, lowerSeen }) => {
        if (i < half) Atomics.add(lowerSeen, 0, 1);
        return i >= half;
      });
    expect(found).toBeGreaterThanOrEqual(half);
    // Pieces were once handed out in order from one counter: all of the lower half came first.
    expect(lowerSeen[0]).toBeLessThan(half);
    expect(
      await pool
        .par(range(0, 2 * half))
        .with({ half })
        .any((i, { half }) => i === half),
    ).toBe(true);
  });

  it('should find objects', async () => {
    const found = await pool.par(seq(50).map((i) => ({ i }))).findAny((o) => o.i === 33);
    expect(found).toEqual({ i: 33 });
  });
});

describe('withMinLen / withMaxLen', () => {
  it('should give the same results whatever the piece size', async () => {
    const expected = seq(1003).map((i) => i * 2);
    for (const [min, max] of [
      [1, 1],
      [1, 7],
      [100, Number.POSITIVE_INFINITY],
      [2000, 10],
    ] as const) {
      const out = await pool
        .par(range(0, 1003))
        .withMinLen(min)
        .withMaxLen(max)
        .map((i) => i * 2)
        .collect();
      expect(out).toEqual(expected);
    }
  });

  it('should let the minimum win over the maximum', async () => {
    // One state per piece: with min 50 and max 10 the pieces hold 50 items, so 1000 items make 20.
    const counts = new Int32Array(new SharedArrayBuffer(4));
    await pool
      .par(range(0, 1000))
      .withMaxLen(10)
      .withMinLen(50)
      .with({ counts })
      .forEachInit(
        ({ counts }) => Atomics.add(counts, 0, 1),
        () => {},
      );
    expect(counts[0]).toBe(20);
  });

  it('should accept 0 as rayon does (no minimum; a maximum of 1) and reject bad lengths', async () => {
    expect(await pool.par(range(0, 100)).withMinLen(0).sum()).toBe(4950);
    const pieces = new Int32Array(new SharedArrayBuffer(4));
    await pool
      .par(range(0, 10))
      .withMaxLen(0)
      .with({ pieces })
      .forEachInit(
        ({ pieces }) => Atomics.add(pieces, 0, 1),
        () => {},
      );
    expect(pieces[0]).toBe(10);
    expect(() => pool.par([1]).withMinLen(-1)).toThrow(RangeError);
    expect(() => pool.par([1]).withMaxLen(1.5)).toThrow(
      /withMaxLen\(n\): n must be an integer >= 0 or Infinity, got 1.5/,
    );
    expect(() => pool.par([1]).withMinLen('3' as unknown as number)).toThrow(TypeError);
  });
});
