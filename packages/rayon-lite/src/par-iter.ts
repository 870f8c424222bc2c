import { show } from '@herd/shared';
import {
  assembleBest,
  assembleByKey,
  assembleCollect,
  assembleExtreme,
  assembleFound,
  assemblePartition,
  assembleSum,
  combinePartials,
  localFunction,
  piecePartials,
  wasFound,
} from './assemble.js';
import { checkContext } from './check-context.js';
import { ItemError } from './errors.js';
import type { CallOptions } from './execute.js';
import { type Finished, launch } from './launch.js';
import { type AnyTask, type Plan, positionLoser, type StageSpec, type TerminalSpec } from './plan.js';
import type { Range } from './range.js';
import { checkSource } from './source.js';
import { checkTask, isTask, isThenable, notSyncError, type Task } from './task.js';

/**
 * A parallel pipeline over a source, made by `par()`. Adapters (`map`, `filter`, …) return a new
 * iterator and run nothing; a terminal (`collect`, `sum`, …) splits the source into pieces, runs
 * the whole pipeline over each piece in a worker, and resolves with the result a sequential run
 * would give, in order.
 *
 * Callbacks run in other threads: each must be self-contained (it sees only its arguments, not
 * the variables around it) or be a module task `{ module, name }`. Every callback receives the
 * context of `with(ctx)` as its last argument.
 *
 * @example
 * ```ts
 * const squares = await par(range(0, 10)).filter((i) => i % 2 === 0).map((i) => i * i).collect();
 * // [0, 4, 16, 36, 64]
 * ```
 */
export class ParIter<T, C = undefined> {
  readonly #plan: Plan;

  // Private, so the declarations show that users do not make one: `par()` and `pool.par()` do.
  private constructor(plan: Plan) {
    this.#plan = plan;
  }

  /** @internal The iterator that runs `plan`. */
  static of(plan: Plan): ParIter<any, any> {
    return new ParIter(plan);
  }

  /**
   * Passes `ctx` to every callback as its last argument. It crosses once per worker per call;
   * a `Herd` (any crossable) in it, or as one of its properties, arrives live.
   *
   * @throws TypeError when `ctx` or one of its properties is a channel end (`Sender`,
   *   `Receiver`): an end moves into one thread, and a parallel call runs on several
   *
   * @example
   * ```ts
   * await par([1, 2]).with({ k: 10 }).map((x, { k }) => x * k).collect(); // [10, 20]
   * ```
   */
  with<C2>(ctx: C2): ParIter<T, C2> {
    checkContext(ctx, 'with(ctx)');
    return this.#next({ context: { value: ctx } });
  }

  /**
   * Transforms each item.
   *
   * @example
   * ```ts
   * await par([1, 2, 3]).map((x) => x * 2).collect(); // [2, 4, 6]
   * ```
   */
  map<U>(f: Task<(item: T, ctx: C) => U>): ParIter<U, C> {
    checkTask(f, 'map(f)');
    return this.#stage({ op: 'map', f });
  }

  /**
   * Keeps the items for which `f` returns a truthy value.
   *
   * @example
   * ```ts
   * await par(range(0, 6)).filter((i) => i % 3 === 0).collect(); // [0, 3]
   * ```
   */
  filter(f: Task<(item: T, ctx: C) => unknown>): ParIter<T, C> {
    checkTask(f, 'filter(f)');
    return this.#stage({ op: 'filter', f });
  }

  /**
   * Maps and filters in one step: `undefined` and `null` results are dropped (Rust's `None`).
   *
   * @example
   * ```ts
   * await par(['1', 'x', '3']).filterMap((s) => (Number.isNaN(+s) ? undefined : +s)).collect(); // [1, 3]
   * ```
   */
  filterMap<U>(f: Task<(item: T, ctx: C) => U | null | undefined>): ParIter<NonNullable<U>, C> {
    checkTask(f, 'filterMap(f)');
    return this.#stage({ op: 'filterMap', f });
  }

  /**
   * Replaces each item with the items of the iterable `f` returns, in order.
   *
   * @example
   * ```ts
   * await par([1, 2]).flatMap((n) => Array(n).fill(n)).collect(); // [1, 2, 2]
   * ```
   */
  flatMap<U>(f: Task<(item: T, ctx: C) => Iterable<U>>): ParIter<U, C> {
    checkTask(f, 'flatMap(f)');
    return this.#stage({ op: 'flatMap', f });
  }

  /**
   * Maps with a state made by `init(ctx)` once per piece of work (not per item, not per thread),
   * as rayon's `map_init`. When its piece ends the state is disposed: `[Symbol.dispose]()` if it
   * has one, else `release()` — so a herd member is back in the herd when the call resolves.
   *
   * @example
   * ```ts
   * const ptrs = await par(range(0, 1000)).with({ herd })
   *   .mapInit(({ herd }) => herd.get(), (bump, i) => { const p = bump.alloc(8); bump.memory.f64[p >>> 3] = i; return p; })
   *   .collect();
   * ```
   */
  mapInit<S, U>(init: Task<(ctx: C) => S>, f: Task<(state: S, item: T, ctx: C) => U>): ParIter<U, C> {
    checkTask(init, 'mapInit(init)');
    checkTask(f, 'mapInit(f)');
    return this.#stage({ op: 'mapInit', init, f });
  }

  /**
   * Pairs each item with its position: `[index, item]`, the index being the item's position in
   * the source (or the chunk's, after `chunks`). It must come before `filter`, `filterMap`,
   * `flatMap` and `fold` (after them the position is lost, as in rayon).
   *
   * @throws TypeError when a filter, filterMap, flatMap or fold comes before it
   * @example
   * ```ts
   * await par(['a', 'b']).enumerate().collect(); // [[0, 'a'], [1, 'b']]
   * ```
   */
  enumerate(): ParIter<[number, T], C> {
    this.#needPositions('enumerate', "an item's index is its position in the source");
    return this.#stage({ op: 'enumerate' });
  }

  /**
   * Pairs each item with the item at the same position of `other` (an array, an array-like, a
   * typed array or a `range`): `[item, otherItem]`, as long as the shorter of the two. Like
   * `enumerate`, it must come before `filter`, `filterMap`, `flatMap` and `fold`.
   *
   * @throws TypeError when `other` is none of these, or a stage that loses positions comes first
   * @example
   * ```ts
   * await par([1, 2, 3]).zip(['a', 'b']).collect(); // [[1, 'a'], [2, 'b']]
   * const xs = new Float64Array([1, 2, 3]);
   * const ys = new Float64Array([4, 5, 6]);
   * await par(xs).zip(ys).map(([x, y]) => x * y).sum(); // 32, the dot product
   * ```
   */
  zip(other: Range): ParIter<[T, number], C>;
  zip<U>(other: ArrayLike<U>): ParIter<[T, U], C>;
  zip(other: Range | ArrayLike<unknown>): ParIter<[T, any], C> {
    try {
      checkSource(other);
    } catch {
      throw new TypeError(
        `zip(other): other must be a Range, an array, an array-like or a typed array, got ${show(other)}`,
      );
    }
    this.#needPositions('zip', 'items are paired by their position');
    return this.#stage({ op: 'zip', other });
  }

  /**
   * Groups the items into arrays of `size` items, in order; the last may be shorter. Chunk k
   * always holds items [k·size, (k+1)·size), however the work is split. Right on a typed-array
   * source (`par(typedArray).chunks(n)`) each chunk is a view of the source, not a copy (of a
   * shared copy when the source is not over a SharedArrayBuffer); its type then says `T[]` but it
   * is a typed array. `withMinLen`/`withMaxLen` given before `chunks` count items; after it, chunks.
   *
   * @throws TypeError when a filter, filterMap, flatMap or fold comes before it; RangeError when
   *   `size` is not an integer >= 1
   * @example
   * ```ts
   * await par(range(0, 5)).chunks(2).collect(); // [[0, 1], [2, 3], [4]]
   * const sharedFloats = new Float64Array(new SharedArrayBuffer(8 * 4096)).fill(0.5);
   * await par(sharedFloats).chunks(1024).map((view) => view.reduce((a, b) => a + b, 0)).collect(); // [512, 512, 512, 512]
   * ```
   */
  chunks(size: number): ParIter<T[], C> {
    if (typeof size !== 'number') {
      throw new TypeError(`chunks(size): size must be a number, got ${show(size)}`);
    }
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new RangeError(`chunks(size): size must be an integer >= 1, got ${size}`);
    }
    this.#needPositions('chunks', 'a chunk is a run of consecutive positions');
    const { minLen, maxLen } = this.#plan;
    // Bounds set so far count items; from now on they count chunks (rayon's chunks does the same).
    return this.#next({
      stages: [...this.#plan.stages, { op: 'chunks', size }],
      minLen: Math.ceil(minLen / size),
      maxLen: maxLen === Number.POSITIVE_INFINITY ? maxLen : Math.floor(maxLen / size),
    });
  }

  /**
   * Folds the items of each piece of work into one accumulator, as rayon's `fold`: the result is
   * a parallel iterator over the accumulators, one per piece (so their number depends on how the
   * work was split), to be combined by `reduce`, `collect`, `sum`, … `identity` is a value (an
   * object is copied for each piece, never shared) or a function `(ctx) => value` called for
   * each piece; `op(acc, item, ctx)` returns the new accumulator.
   *
   * @example
   * ```ts
   * // Count words without a shared map: one map per piece, merged at the end.
   * const words = ['to', 'be', 'or', 'not', 'to', 'be'];
   * const counts = await par(words)
   *   .fold(() => new Map(), (m, w) => m.set(w, (m.get(w) ?? 0) + 1))
   *   .reduce(() => new Map(), (a, b) => { for (const [w, n] of b) a.set(w, (a.get(w) ?? 0) + n); return a; });
   * await par(range(0, 100)).fold(0, (a, i) => a + i).sum(); // 4950
   * ```
   */
  fold<A>(identity: A | Task<(ctx: C) => A>, op: Task<(acc: A, item: T, ctx: C) => A>): ParIter<A, C> {
    checkTask(op, 'fold(op)');
    const identityTask = isTask(identity) ? (identity as AnyTask) : null;
    return this.#stage({ op: 'fold', identity: identityTask, identityValue: identity, f: op });
  }

  /**
   * Pieces hold at least `n` items (none fewer, unless the whole source is shorter), for work too
   * light to split finely. When it conflicts with `withMaxLen`, the minimum wins; 0 sets no
   * minimum, as 1 does (rayon's `with_min_len`).
   *
   * @throws RangeError when `n` is not an integer >= 0
   * @example
   * ```ts
   * await par(range(0, 1e6)).withMinLen(100_000).sum();
   * ```
   */
  withMinLen(n: number): ParIter<T, C> {
    checkLength(n, 'withMinLen(n)', false);
    return this.#next({ minLen: n });
  }

  /**
   * Pieces hold at most `n` items, for uneven work that needs finer balancing; 0 means 1, as in
   * rayon's `with_max_len`.
   *
   * @throws RangeError when `n` is not an integer >= 0 (or Infinity)
   * @example
   * ```ts
   * // Item i costs i times as much as item 1: pieces of one item keep every thread busy to the end.
   * await par(range(0, 100)).withMaxLen(1).map((i) => {
   *   let x = 0;
   *   for (let k = 0; k < i * 10_000; k++) x += Math.sqrt(k);
   *   return x;
   * }).sum();
   * ```
   */
  withMaxLen(n: number): ParIter<T, C> {
    checkLength(n, 'withMaxLen(n)', true);
    return this.#next({ maxLen: n });
  }

  /**
   * Calls `f` on every item, in parallel, in no particular order.
   *
   * @example
   * ```ts
   * await par(range(0, 4)).with({ out: new Int32Array(new SharedArrayBuffer(16)) })
   *   .forEach((i, { out }) => { out[i] = i * i; });
   * ```
   */
  async forEach(f: Task<(item: T, ctx: C) => void>, options?: CallOptions): Promise<void> {
    checkTask(f, 'forEach(f)');
    await this.#run({ op: 'forEach', f }, options, 'forEach', () => undefined);
  }

  /**
   * `forEach` with a per-piece state, as `mapInit` (made by `init(ctx)`, disposed when the piece ends).
   *
   * @example
   * ```ts
   * const names = ['Ada', 'Grace', 'Edsger'];
   * const ptrs = new Uint32Array(new SharedArrayBuffer(4 * names.length));
   * await par(names).enumerate().with({ herd, ptrs })
   *   .forEachInit(({ herd }) => herd.get(), (bump, [i, name], { ptrs }) => { ptrs[i] = bump.allocStr(name); });
   * herd.memory.str(ptrs[1]!); // 'Grace'
   * ```
   */
  async forEachInit<S>(
    init: Task<(ctx: C) => S>,
    f: Task<(state: S, item: T, ctx: C) => void>,
    options?: CallOptions,
  ): Promise<void> {
    checkTask(init, 'forEachInit(init)');
    checkTask(f, 'forEachInit(f)');
    await this.#run({ op: 'drain' }, options, 'forEachInit', () => undefined, [
      { op: 'forEachInit', init, f },
    ]);
  }

  /**
   * The items in source order. Numbers come back through shared memory, not structured clone.
   *
   * @example
   * ```ts
   * await par(range(0, 3)).map((i) => i * 10).collect(); // [0, 10, 20]
   * ```
   */
  async collect(options?: CallOptions): Promise<T[]> {
    const items = await this.#run({ op: 'collect' }, options, 'collect', (done) =>
      assembleCollect(done.results, done.output),
    );
    return (items ?? []) as T[];
  }

  /**
   * The items for which `f` is truthy, and the others, each in order (rayon's `partition`).
   * Numbers come back through shared memory.
   *
   * @example
   * ```ts
   * await par(range(0, 6)).partition((i) => i % 3 === 0); // [[0, 3], [1, 2, 4, 5]]
   * ```
   */
  async partition(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<[T[], T[]]> {
    checkTask(f, 'partition(f)');
    const sides = await this.#run({ op: 'partition', f }, options, 'partition', (done) =>
      assemblePartition(done.results, done.output),
    );
    return (sides ?? [[], []]) as [T[], T[]];
  }

  /**
   * Folds the items with `op`, which must be associative (pieces are folded separately, then
   * combined in order). `identity` is a value (an object is copied for each piece), or a function
   * `(ctx) => value` called for each piece.
   *
   * @example
   * ```ts
   * await par(range(1, 5)).reduce(() => 1, (a, b) => a * b); // 24
   * ```
   */
  async reduce(
    identity: T | Task<(ctx: C) => T>,
    op: Task<(a: T, b: T, ctx: C) => T>,
    options?: CallOptions,
  ): Promise<T> {
    checkTask(op, 'reduce(op)');
    const identityTask = isTask(identity) ? (identity as AnyTask) : null;
    const terminal: TerminalSpec = { op: 'reduce', identity: identityTask, identityValue: identity, f: op };
    const combined = await this.#combine(terminal, options, 'reduce', 'reduce(op)', (f, acc, next) => {
      const result = f(acc, next, this.#context);
      return { acc: result, result };
    });
    if (combined !== undefined) return combined.value as T;
    // No item at all: the identity, as rayon gives it.
    if (identityTask === null) return identity as T;
    const make = await localFunction(identityTask, 'reduce(identity)');
    let value: unknown;
    try {
      value = make(this.#context);
    } catch (error) {
      throw new ItemError('reduce identity', 0, error);
    }
    if (isThenable(value)) throw notSyncError('reduce identity', 0, value);
    return value as T;
  }

  /**
   * Folds the items with `op`, which must be associative, without an identity (rayon's
   * `reduce_with`): `undefined` when there is no item.
   *
   * @example
   * ```ts
   * await par([3, 1, 2]).reduceWith((a, b) => Math.max(a, b)); // 3
   * ```
   */
  async reduceWith(op: Task<(a: T, b: T, ctx: C) => T>, options?: CallOptions): Promise<T | undefined> {
    checkTask(op, 'reduceWith(op)');
    const combined = await this.#combine(
      { op: 'reduceWith', f: op },
      options,
      'reduceWith',
      'reduceWith(op)',
      (f, acc, next) => {
        const result = f(acc, next, this.#context);
        return { acc: result, result };
      },
    );
    return combined?.value as T | undefined;
  }

  /**
   * The sum of the items, which must be numbers. Float sums may differ in the last bits from a
   * left-to-right loop, as in rayon: pieces are summed separately.
   *
   * @example
   * ```ts
   * await par(range(0, 101)).sum(); // 5050
   * ```
   */
  async sum(options?: CallOptions): Promise<number> {
    return (await this.#run({ op: 'sum' }, options, 'sum', (done) => assembleSum(done.results))) ?? 0;
  }

  /**
   * How many items the pipeline yields.
   *
   * @example
   * ```ts
   * await par(range(0, 100)).filter((i) => i % 10 === 0).count(); // 10
   * ```
   */
  async count(options?: CallOptions): Promise<number> {
    return (await this.#run({ op: 'count' }, options, 'count', (done) => assembleSum(done.results))) ?? 0;
  }

  /**
   * The smallest item (compared with `<`; the first of equals), or `undefined` when there is none.
   *
   * @example
   * ```ts
   * await par([3, 1, 2]).min(); // 1
   * ```
   */
  async min(options?: CallOptions): Promise<T | undefined> {
    const min = await this.#run({ op: 'min' }, options, 'min', (done) =>
      assembleExtreme(done.results, false),
    );
    return min as T | undefined;
  }

  /**
   * The largest item (compared with `>=`; the last of equals), or `undefined` when there is none.
   *
   * @example
   * ```ts
   * await par([3, 1, 2]).max(); // 3
   * ```
   */
  async max(options?: CallOptions): Promise<T | undefined> {
    const max = await this.#run({ op: 'max' }, options, 'max', (done) => assembleExtreme(done.results, true));
    return max as T | undefined;
  }

  /**
   * The smallest item by `compare(a, b, ctx)`, which returns a negative number, zero or a positive
   * number as for `Array.prototype.sort`; the first of equals (rayon's `min_by`). `undefined`
   * when there is no item.
   *
   * @example
   * ```ts
   * const people = [{ name: 'Ada', age: 36 }, { name: 'Alan', age: 41 }, { name: 'Grace', age: 36 }];
   * await par(people).minBy((a, b) => a.age - b.age); // Ada, the first of the youngest
   * ```
   */
  async minBy(compare: Task<(a: T, b: T, ctx: C) => number>, options?: CallOptions): Promise<T | undefined> {
    return this.#extremeBy('minBy', compare, options);
  }

  /**
   * The largest item by `compare(a, b, ctx)`; the last of equals (rayon's `max_by`). `undefined`
   * when there is no item.
   *
   * @example
   * ```ts
   * const words = ['par', 'iter', 'join'];
   * await par(words).maxBy((a, b) => a.length - b.length); // 'join', the last of the longest words
   * ```
   */
  async maxBy(compare: Task<(a: T, b: T, ctx: C) => number>, options?: CallOptions): Promise<T | undefined> {
    return this.#extremeBy('maxBy', compare, options);
  }

  /**
   * The item whose `key(item, ctx)` is the smallest (keys compared with `<`, each computed once);
   * the first of equals (rayon's `min_by_key`). `undefined` when there is no item.
   *
   * @example
   * ```ts
   * const points = [{ x: 3, y: 4 }, { x: 1, y: 1 }, { x: -1, y: 1 }];
   * await par(points).minByKey((p) => Math.hypot(p.x, p.y)); // { x: 1, y: 1 }, the first nearest the origin
   * ```
   */
  async minByKey<K>(key: Task<(item: T, ctx: C) => K>, options?: CallOptions): Promise<T | undefined> {
    checkTask(key, 'minByKey(key)');
    const best = await this.#run({ op: 'minByKey', f: key }, options, 'minByKey', (done) =>
      assembleByKey(done.results, false),
    );
    return best as T | undefined;
  }

  /**
   * The item whose `key(item, ctx)` is the largest (keys compared with `>=`, each computed once);
   * the last of equals (rayon's `max_by_key`). `undefined` when there is no item.
   *
   * @example
   * ```ts
   * const files = [{ name: 'a.txt', size: 10 }, { name: 'b.txt', size: 30 }, { name: 'c.txt', size: 30 }];
   * await par(files).maxByKey((f) => f.size); // c.txt, the last of the largest files
   * ```
   */
  async maxByKey<K>(key: Task<(item: T, ctx: C) => K>, options?: CallOptions): Promise<T | undefined> {
    checkTask(key, 'maxByKey(key)');
    const best = await this.#run({ op: 'maxByKey', f: key }, options, 'maxByKey', (done) =>
      assembleByKey(done.results, true),
    );
    return best as T | undefined;
  }

  /**
   * Whether `f` is truthy for some item. Stops every worker as soon as one is found.
   *
   * @example
   * ```ts
   * await par(range(0, 1e6)).any((i) => i === 777); // true
   * ```
   */
  async any(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<boolean> {
    checkTask(f, 'any(f)');
    return (await this.#run({ op: 'any', f }, options, 'any', (done) => wasFound(done.results))) ?? false;
  }

  /**
   * Whether `f` is truthy for every item (true for an empty source). Stops at the first miss.
   *
   * @example
   * ```ts
   * await par([2, 4, 6]).all((x) => x % 2 === 0); // true
   * ```
   */
  async all(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<boolean> {
    checkTask(f, 'all(f)');
    return (await this.#run({ op: 'all', f }, options, 'all', (done) => !wasFound(done.results))) ?? true;
  }

  /**
   * Some item for which `f` is truthy — not necessarily the first — or `undefined`.
   *
   * @example
   * ```ts
   * await par(range(0, 100)).findAny((i) => i % 7 === 6); // 6, 13, 20, … whichever a worker met first
   * ```
   */
  async findAny(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<T | undefined> {
    checkTask(f, 'findAny(f)');
    const found = await this.#run({ op: 'findAny', f }, options, 'findAny', (done) =>
      wasFound(done.results) ? assembleFound(done.results) : undefined,
    );
    return found as T | undefined;
  }

  /**
   * The first item, in order, for which `f` is truthy, or `undefined`. Pieces after the first
   * match found so far are skipped or stopped; the pieces before it all run.
   *
   * @example
   * ```ts
   * await par(range(0, 1e6)).findFirst((i) => i % 1000 === 999); // 999
   * ```
   */
  async findFirst(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<T | undefined> {
    checkTask(f, 'findFirst(f)');
    const found = await this.#run({ op: 'findFirst', f }, options, 'findFirst', (done) =>
      assembleBest(done.results, false),
    );
    return found as T | undefined;
  }

  /**
   * The last item, in order, for which `f` is truthy, or `undefined`. Pieces before the last
   * match found so far are skipped or stopped.
   *
   * @example
   * ```ts
   * await par(range(0, 1e6)).findLast((i) => i % 1000 === 999); // 999999
   * ```
   */
  async findLast(f: Task<(item: T, ctx: C) => unknown>, options?: CallOptions): Promise<T | undefined> {
    checkTask(f, 'findLast(f)');
    const found = await this.#run({ op: 'findLast', f }, options, 'findLast', (done) =>
      assembleBest(done.results, true),
    );
    return found as T | undefined;
  }

  /**
   * The position of some item for which `f` is truthy — not necessarily the first — or
   * `undefined` (rayon's `position_any`). The position is the item's in the source (the chunk's,
   * after `chunks`); like `enumerate`, it needs the pipeline to keep positions.
   *
   * @throws TypeError (a rejection) when a filter, filterMap, flatMap or fold comes before it
   * @example
   * ```ts
   * const bytes = new TextEncoder().encode('one\ntwo\n');
   * await par(bytes).positionAny((b) => b === 0x0a); // 3 or 7: the index of some newline
   * ```
   */
  async positionAny(
    f: Task<(item: T, ctx: C) => unknown>,
    options?: CallOptions,
  ): Promise<number | undefined> {
    checkTask(f, 'positionAny(f)');
    this.#needPositions('positionAny', 'a position is an index in the source');
    const found = await this.#run({ op: 'positionAny', f }, options, 'positionAny', (done) =>
      wasFound(done.results) ? assembleFound(done.results) : undefined,
    );
    return found as number | undefined;
  }

  /**
   * The position of the first item for which `f` is truthy, or `undefined` (rayon's
   * `position_first`). Short-circuits as `findFirst`; needs positions as `positionAny`.
   *
   * @throws TypeError (a rejection) when a filter, filterMap, flatMap or fold comes before it
   * @example
   * ```ts
   * await par(['a', 'b', 'c', 'b']).positionFirst((s) => s === 'b'); // 1
   * ```
   */
  async positionFirst(
    f: Task<(item: T, ctx: C) => unknown>,
    options?: CallOptions,
  ): Promise<number | undefined> {
    checkTask(f, 'positionFirst(f)');
    this.#needPositions('positionFirst', 'a position is an index in the source');
    const found = await this.#run({ op: 'positionFirst', f }, options, 'positionFirst', (done) =>
      assembleBest(done.results, false),
    );
    return found as number | undefined;
  }

  get #context(): unknown {
    return this.#plan.context?.value;
  }

  async #extremeBy(
    op: 'minBy' | 'maxBy',
    compare: AnyTask,
    options: CallOptions | undefined,
  ): Promise<T | undefined> {
    checkTask(compare, `${op}(compare)`);
    // As in the workers: min keeps `best` unless it compares greater; max takes `next` unless `best` does.
    const combined = await this.#combine(
      { op, f: compare },
      options,
      op,
      `${op}(compare)`,
      (f, best, next) => {
        const result = f(best, next, this.#context);
        const greater = result > 0;
        return { acc: (op === 'maxBy' ? !greater : greater) ? next : best, result };
      },
    );
    return combined?.value as T | undefined;
  }

  /** Runs a terminal whose per-piece results combine with the user's callback on this thread. */
  async #combine(
    terminal: TerminalSpec,
    options: CallOptions | undefined,
    stage: string,
    param: string,
    step: Parameters<typeof combinePartials>[4],
  ): Promise<{ value: unknown } | undefined> {
    const partials = await this.#run(terminal, options, stage, (done) => piecePartials(done.results));
    if (partials === undefined) return undefined;
    return combinePartials(partials, (terminal as { f: AnyTask }).f, param, stage, step);
  }

  /** Refuses an adapter or terminal that needs positions once a stage has lost them. */
  #needPositions(where: string, why: string): void {
    const loser = positionLoser(this.#plan);
    if (loser !== undefined) {
      throw new TypeError(
        `${where}: must come before filter, filterMap, flatMap and fold (found ${loser} before it); ${why}`,
      );
    }
  }

  #next(change: Partial<Plan>): ParIter<any, any> {
    return new ParIter({ ...this.#plan, ...change });
  }

  #stage(stage: StageSpec): ParIter<any, any> {
    return this.#next({ stages: [...this.#plan.stages, stage] });
  }

  #run<R>(
    terminal: TerminalSpec,
    options: CallOptions | undefined,
    where: string,
    assemble: (done: Finished) => R,
    extraStages: StageSpec[] = [],
  ): Promise<R | undefined> {
    const plan =
      extraStages.length === 0
        ? this.#plan
        : { ...this.#plan, stages: [...this.#plan.stages, ...extraStages] };
    return launch(plan, terminal, options, where, assemble);
  }
}

function checkLength(n: unknown, where: string, allowInfinity: boolean): void {
  if (typeof n !== 'number') throw new TypeError(`${where}: n must be a number, got ${show(n)}`);
  if ((allowInfinity && n === Number.POSITIVE_INFINITY) || (Number.isSafeInteger(n) && n >= 0)) return;
  throw new RangeError(`${where}: n must be an integer >= 0${allowInfinity ? ' or Infinity' : ''}, got ${n}`);
}
