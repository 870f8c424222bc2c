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
  | { op: 'enumerate'; k: number }
  | { op: 'chunks'; size: number }
  | { op: 'zip'; start: number; length: number; c: number };

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
  fc.record({ op: fc.constant('chunks' as const), size: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    op: fc.constant('zip' as const),
    start: fc.integer({ min: -50, max: 50 }),
    length: fc.nat({ max: 400 }),
    c: fc.integer({ min: -2, max: 2 }),
  }),
);

/** Stages that need the items' positions, which filter-like stages lose. */
const NEEDS_POSITIONS = new Set(['enumerate', 'chunks', 'zip']);

/** Drops an enumerate, chunks or zip that comes after a filter-like stage (the API refuses it, as rayon). */
function legal(stages: Stage[]): Stage[] {
  let filtered = false;
  return stages.filter((s) => {
    if (s.op === 'filter' || s.op === 'filterMap' || s.op === 'flatMap') filtered = true;
    return !(NEEDS_POSITIONS.has(s.op) && filtered);
  });
}

/** Whether the items still have positions after these stages (for positionAny/positionFirst). */
function keepsPositions(stages: Stage[]): boolean {
  return !stages.some((s) => s.op === 'filter' || s.op === 'filterMap' || s.op === 'flatMap');
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
    case 'chunks':
      return iter
        .chunks(stage.size)
        .map(fn('(chunk) => { let s = 0; for (let k = 0; k < chunk.length; k++) s += chunk[k]; return s; }'));
    case 'zip':
      return iter
        .zip(range(stage.start, stage.start + stage.length))
        .map(fn(`([x, y]) => x + y * ${stage.c} + 0`));
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
    case 'chunks': {
      // Positions are kept until here, so item k is at index k; chunk j's index is j.
      const out: Item[] = [];
      for (let k = 0; k < items.length; k += stage.size) {
        out.push({ x: items.slice(k, k + stage.size).reduce((a, item) => a + item.x, 0), i: out.length });
      }
      return out;
    }
    case 'zip':
      return items
        .slice(0, Math.min(items.length, stage.length))
        .map(({ x, i }) => ({ x: x + (stage.start + i) * stage.c + 0, i }));
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
    .constantFrom(
      'collect',
      'sum',
      'count',
      'min',
      'max',
      'reduce',
      'reduceWith',
      'forEach',
      'foldSum',
      'foldCollect',
      'minBy',
      'maxBy',
      'minByKey',
      'maxByKey' as const,
    )
    .map((op) => ({ op, m: 1, r: 0 })),
  fc.record({
    op: fc.constantFrom(
      'any',
      'all',
      'findAny',
      'findFirst',
      'findLast',
      'positionAny',
      'positionFirst',
      'partition' as const,
    ),
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

describe('ParIter', () => {
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
            case 'reduceWith':
              expect(await iter.reduceWith((a, b) => a + b)).toBe(
                xs.length === 0 ? undefined : xs.reduce((a, b) => a + b),
              );
              break;
            case 'foldSum':
              expect(await iter.fold(0, (a, x) => a + x).sum()).toBe(xs.reduce((a, b) => a + b, 0));
              break;
            case 'foldCollect':
              expect(
                (
                  await iter
                    .fold(
                      () => [] as number[],
                      (a, x) => {
                        a.push(x);
                        return a;
                      },
                    )
                    .collect()
                ).flat(),
              ).toEqual(xs);
              break;
            case 'minBy':
            case 'maxBy':
            case 'minByKey':
            case 'maxByKey': {
              const key = (x: number) => Math.abs(x) % 7;
              const keys = xs.map(key);
              const best = terminal.op.startsWith('min') ? Math.min(...keys) : Math.max(...keys);
              // rayon: the first of equal minimums, the last of equal maximums.
              const expected = terminal.op.startsWith('min')
                ? xs.find((x) => key(x) === best)
                : xs.findLast((x) => key(x) === best);
              const found =
                terminal.op === 'minBy'
                  ? await iter.minBy((a, b) => (Math.abs(a) % 7) - (Math.abs(b) % 7))
                  : terminal.op === 'maxBy'
                    ? await iter.maxBy((a, b) => (Math.abs(a) % 7) - (Math.abs(b) % 7))
                    : terminal.op === 'minByKey'
                      ? await iter.minByKey((x) => Math.abs(x) % 7)
                      : await iter.maxByKey((x) => Math.abs(x) % 7);
              expect(found).toBe(expected);
              break;
            }
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
            case 'findFirst':
              expect(await iter.findFirst(parPred)).toBe(xs.find(pred));
              break;
            case 'findLast':
              expect(await iter.findLast(parPred)).toBe(xs.findLast(pred));
              break;
            case 'positionFirst':
            case 'positionAny': {
              if (!keepsPositions(stages)) {
                await expect(iter.positionFirst(parPred)).rejects.toThrow(TypeError);
                break;
              }
              const position =
                terminal.op === 'positionFirst'
                  ? await iter.positionFirst(parPred)
                  : await iter.positionAny(parPred);
              if (!xs.some(pred)) expect(position).toBeUndefined();
              else if (terminal.op === 'positionFirst') expect(position).toBe(xs.findIndex(pred));
              else expect(pred(xs[position!]!)).toBe(true);
              break;
            }
            case 'partition':
              expect(await iter.partition(parPred)).toEqual([xs.filter(pred), xs.filter((x) => !pred(x))]);
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
