import { type ParIter, parSort, range, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const source = () => pool.par(range(0, 200));

/** An async callback where the types (rightly) want a synchronous one: the runtime must refuse it too. */
const untyped = <F>(f: F): never => f as never;

/** Each case: the call with one async callback, and the stage the error must name. */
const cases: [string, () => Promise<unknown>][] = [
  [
    'map',
    () =>
      source()
        .map(async (i) => i)
        .collect(),
  ],
  [
    'map',
    () =>
      source()
        .map(async (i) => i)
        .sum(),
  ],
  [
    'map',
    () =>
      source()
        .map(async (i) => i)
        .count(),
  ],
  [
    'map',
    () =>
      source()
        .map(async (i) => i)
        .min(),
  ],
  [
    'filter',
    () =>
      source()
        .filter(async (i) => i % 2 === 0)
        .count(),
  ],
  [
    'filterMap',
    () =>
      source()
        .filterMap(async (i) => i)
        .collect(),
  ],
  [
    'flatMap',
    () =>
      source()
        .flatMap(untyped(async (i: number) => [i]))
        .collect(),
  ],
  [
    'mapInit init',
    () =>
      source()
        .mapInit(
          async () => 1,
          (_s, i) => i,
        )
        .collect(),
  ],
  [
    'mapInit',
    () =>
      source()
        .mapInit(
          () => 1,
          async (_s, i) => i,
        )
        .sum(),
  ],
  [
    'forEachInit',
    () =>
      source().forEachInit(
        () => 1,
        async () => {},
      ),
  ],
  [
    'fold identity',
    () =>
      source()
        .fold(
          untyped(async () => 0),
          (a: number, i) => a + i,
        )
        .sum(),
  ],
  [
    'fold',
    () =>
      source()
        .fold(
          0,
          untyped(async (a: number, i: number) => a + i),
        )
        .collect(),
  ],
  ['forEach', () => source().forEach(async () => {})],
  [
    'reduce identity',
    () =>
      source().reduce(
        untyped(async () => 0),
        (a, b) => a + b,
      ),
  ],
  [
    'reduce',
    () =>
      source().reduce(
        0,
        untyped(async (a: number, b: number) => a + b),
      ),
  ],
  ['reduceWith', () => source().reduceWith(untyped(async (a: number, b: number) => a + b))],
  ['any', () => source().any(async () => false)],
  ['all', () => source().all(async () => false)],
  ['findAny', () => source().findAny(async () => false)],
  ['findFirst', () => source().findFirst(async () => false)],
  ['findLast', () => source().findLast(async () => false)],
  ['positionAny', () => source().positionAny(async () => false)],
  ['positionFirst', () => source().positionFirst(async () => false)],
  ['minBy', () => source().minBy(untyped(async (a: number, b: number) => a - b))],
  ['maxBy', () => source().maxBy(untyped(async (a: number, b: number) => a - b))],
  ['minByKey', () => source().minByKey(async (i) => i)],
  ['maxByKey', () => source().maxByKey(async (i) => i)],
  ['partition', () => source().partition(async (i) => i % 2 === 0)],
  [
    'parSort compare',
    () =>
      parSort(
        new Int32Array(100_000),
        untyped(async () => 0),
        { pool },
      ),
  ],
  [
    'parSort compare',
    () =>
      parSort(
        new Int32Array(100),
        untyped(async () => 0),
        { pool },
      ),
  ],
];

describe('a callback that returns a Promise', () => {
  it.each(cases)('should reject with a TypeError naming the %s stage', async (stage, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`the ${stage} callback returned a Promise`);
    expect((error as Error).message).toMatch(/callbacks must be synchronous/);
  });

  it('should refuse any thenable, not only a Promise', async () => {
    await expect(
      source()
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
        .filter(() => ({ then: () => {} }))
        .count(),
    ).rejects.toThrow(/the filter callback returned a Promise \(a thenable\)/);
  });

  it('should leave the workers alive when the refused Promise rejects', async () => {
    // The async callback throws: its Promise rejects, and a rejection nobody handles would end
    // the worker that made it. The pool's threads must be the same ones afterwards.
    const local = new ThreadPool({ numThreads: 2 });
    const threadOf = { module: new URL('./fixtures/tasks.mjs', import.meta.url), name: 'slowThreadId' };
    const threads = async () =>
      new Set(await local.par(range(0, 64)).withMaxLen(1).with({ ms: 2 }).map(threadOf).collect());
    try {
      const before = await threads();
      for (let k = 0; k < 3; k++) {
        await expect(
          local.par(range(0, 100)).forEach(async () => {
            throw new Error('async failure');
          }),
        ).rejects.toThrow(TypeError);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await local.par(range(0, 100)).sum()).toBe(4950);
      const after = await threads();
      for (const id of after) expect(before).toContain(id);
    } finally {
      await local.close();
    }
  });

  it('should not refuse objects and functions that are not thenables', async () => {
    const out = await source()
      // biome-ignore lint/suspicious/noThenProperty: a `then` that is not a function makes no thenable
      .map((i) => ({ i, then: i }))
      .filter((o) => (o.i % 2 === 0 ? {} : null))
      .map((o) => o.i)
      .collect();
    expect(out).toEqual(Array.from({ length: 100 }, (_, k) => 2 * k));
    const iter: ParIter<number> = source();
    expect(await iter.all(() => () => 1)).toBe(true);
  });

  it('should still run join functions that return a Promise', async () => {
    expect(
      await pool.join(
        async () => 1,
        async () => 2,
      ),
    ).toEqual([1, 2]);
  });
});
