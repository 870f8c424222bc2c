import { type ParIter, range, ThreadPool } from '@herd/rayon-lite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

/** A self-contained arrow function made from source, so it can be shipped to a worker. */
const fn = <F>(source: string): F => new Function(`return (${source});`)() as F;

type Item = { x: number; i: number };
type Stage =
  | { op: 'map'; a: number; b: number }
  | { op: 'filter'; m: number; r: number }
  | { op: 'filterMap'; m: number; r: number }
  | { op: 'flatMap' }
  | { op: 'mapInit'; a: number }
  | { op: 'enumerate'; k: number };

const stageArb: fc.Arbitrary<Stage> = fc.oneof(
  fc.record({
    op: fc.constant('map' as const),
    a: fc.integer({ min: -3, max: 3 }),
    b: fc.integer({ min: -9, max: 9 }),
  }),
  fc.record({
    op: fc.constant('filter' as const),
    m: fc.integer({ min: 1, max: 5 }),
    r: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    op: fc.constant('filterMap' as const),
    m: fc.integer({ min: 1, max: 5 }),
    r: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({ op: fc.constant('flatMap' as const) }),
  fc.record({ op: fc.constant('mapInit' as const), a: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('enumerate' as const), k: fc.integer({ min: 0, max: 5 }) }),
);

/** Drops an enumerate that comes after a filter-like stage (the API refuses it, as rayon). */
function legal(stages: Stage[]): Stage[] {
  let filtered = false;
  return stages.filter((s) => {
    if (s.op === 'filter' || s.op === 'filterMap' || s.op === 'flatMap') filtered = true;
    return !(s.op === 'enumerate' && filtered);
  });
}

function applyPar(iter: ParIter<number>, stage: Stage): ParIter<number> {
  switch (stage.op) {
    case 'map':
      return iter.map(fn(`(x) => x * ${stage.a} + ${stage.b} + 0`));
    case 'filter':
      return iter.filter(fn(`(x) => Math.abs(x) % ${stage.m} !== ${stage.r}`));
    case 'filterMap':
      return iter.filterMap(fn(`(x) => (Math.abs(x) % ${stage.m} === ${stage.r} ? undefined : x - 1)`));
    case 'flatMap':
      return iter.flatMap(fn('(x) => Array.from({ length: Math.abs(x) % 3 }, (_, k) => x + k)'));
    case 'mapInit':
      return iter.mapInit(
        fn<() => { n: number }>('() => ({ n: 0 })'),
        fn<(state: { n: number }, x: number) => number>(
          `(state, x) => { state.n++; return x * ${stage.a} + 0; }`,
        ),
      );
    case 'enumerate':
      return iter.enumerate().map(fn(`([i, x]) => i * ${stage.k} + x`));
  }
}

function applySeq(items: Item[], stage: Stage): Item[] {
  switch (stage.op) {
    case 'map':
      return items.map(({ x, i }) => ({ x: x * stage.a + stage.b + 0, i }));
    case 'filter':
      return items.filter(({ x }) => Math.abs(x) % stage.m !== stage.r);
    case 'filterMap':
      return items.filter(({ x }) => Math.abs(x) % stage.m !== stage.r).map(({ x, i }) => ({ x: x - 1, i }));
    case 'flatMap':
      return items.flatMap(({ x, i }) =>
        Array.from({ length: Math.abs(x) % 3 }, (_, k) => ({ x: x + k, i })),
      );
    case 'mapInit':
      return items.map(({ x, i }) => ({ x: x * stage.a + 0, i }));
    case 'enumerate':
      return items.map(({ x, i }) => ({ x: i * stage.k + x, i }));
  }
}

const sourceArb = fc.oneof(
  fc
    .array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 })
    .map((xs) => ({ kind: 'array' as const, xs })),
  fc.tuple(fc.integer({ min: -500, max: 500 }), fc.nat({ max: 400 })).map(([start, n]) => ({
    kind: 'range' as const,
    xs: Array.from({ length: n }, (_, k) => start + k),
    start,
  })),
  fc
    .array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 })
    .map((xs) => ({ kind: 'typed' as const, xs })),
);

const boundsArb = fc.record({
  minLen: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  maxLen: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
});

const terminalArb = fc.oneof(
  fc
    .constantFrom('collect', 'sum', 'count', 'min', 'max', 'reduce', 'forEach' as const)
    .map((op) => ({ op, m: 1, r: 0 })),
  fc.record({
    op: fc.constantFrom('any', 'all', 'findAny' as const),
    m: fc.integer({ min: 1, max: 7 }),
    r: fc.integer({ min: 0, max: 6 }),
  }),
);

function makeSource(source: { kind: 'array' | 'range' | 'typed'; xs: number[]; start?: number }) {
  if (source.kind === 'range') return pool.par(range(source.start!, source.start! + source.xs.length));
  if (source.kind === 'typed') {
    const shared = new Int32Array(new SharedArrayBuffer(4 * source.xs.length));
    shared.set(source.xs);
    return pool.par(shared);
  }
  return pool.par(source.xs);
}

describe('parallel iterators', () => {
  it('should give the results of the sequential Array equivalent for random pipelines', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceArb,
        fc.array(stageArb, { maxLength: 4 }),
        boundsArb,
        terminalArb,
        async (source, rawStages, bounds, terminal) => {
          const stages = legal(rawStages);
          let iter = makeSource(source);
          if (bounds.minLen !== undefined) iter = iter.withMinLen(bounds.minLen);
          if (bounds.maxLen !== undefined) iter = iter.withMaxLen(bounds.maxLen);
          let items: Item[] = source.xs.map((x, i) => ({ x, i }));
          for (const stage of stages) {
            iter = applyPar(iter, stage);
            items = applySeq(items, stage);
          }
          const xs = items.map((item) => item.x);
          const pred = (x: number) => Math.abs(x) % terminal.m === terminal.r;
          const parPred = fn<(x: number) => boolean>(`(x) => Math.abs(x) % ${terminal.m} === ${terminal.r}`);
          switch (terminal.op) {
            case 'collect':
              expect(await iter.collect()).toEqual(xs);
              break;
            case 'sum':
              expect(await iter.sum()).toBe(xs.reduce((a, b) => a + b, 0));
              break;
            case 'count':
              expect(await iter.count()).toBe(xs.length);
              break;
            case 'min':
              expect(await iter.min()).toBe(xs.length === 0 ? undefined : Math.min(...xs));
              break;
            case 'max':
              expect(await iter.max()).toBe(xs.length === 0 ? undefined : Math.max(...xs));
              break;
            case 'reduce':
              expect(await iter.reduce(0, (a, b) => a + b)).toBe(xs.reduce((a, b) => a + b, 0));
              break;
            case 'forEach': {
              const seen = new Int32Array(new SharedArrayBuffer(4));
              await iter.with({ seen }).forEach((_x, { seen }) => {
                Atomics.add(seen, 0, 1);
              });
              expect(seen[0]).toBe(xs.length);
              break;
            }
            case 'any':
              expect(await iter.any(parPred)).toBe(xs.some(pred));
              break;
            case 'all':
              expect(await iter.all(parPred)).toBe(xs.every(pred));
              break;
            case 'findAny': {
              const found = await iter.findAny(parPred);
              if (xs.some(pred)) {
                expect(found).toBeDefined();
                expect(pred(found!)).toBe(true);
                expect(xs).toContain(found);
              } else {
                expect(found).toBeUndefined();
              }
              break;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('should collect a random array of strings and objects in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.record({ id: fc.integer(), tag: fc.string() }), fc.integer()), {
          maxLength: 200,
        }),
        fc.integer({ min: 1, max: 50 }),
        async (values, maxLen) => {
          expect(await pool.par(values).withMaxLen(maxLen).collect()).toEqual(values);
          expect(
            await pool
              .par(values)
              .enumerate()
              .map(([i]) => i)
              .collect(),
          ).toEqual(values.map((_, i) => i));
        },
      ),
      { numRuns: 40 },
    );
  });
});
