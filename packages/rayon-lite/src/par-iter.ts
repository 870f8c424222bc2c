import { type Crossing, encodeValues } from '@herd/scope/runtime';
import {
  assembleCollect,
  assembleExtreme,
  assembleFound,
  assembleSum,
  forEachPieceResult,
  type PieceResults,
  wasFound,
} from './assemble.js';
import { checkContext } from './check-context.js';
import { defaultPool } from './default-pool.js';
import { describeValue } from './describe-value.js';
import { type CallOptions, checkCanStart, execute, signalOf } from './execute.js';
import { localFunction } from './local-task.js';
import { splitIntoPieces } from './pieces.js';
import {
  type AnyTask,
  encodeStage,
  encodeTerminal,
  type Plan,
  type StageSpec,
  type TerminalSpec,
} from './plan.js';
import type { IterJob } from './protocol.js';
import { encodeSource } from './source.js';
import { checkTask, isTask, type Task } from './task.js';

/** A finished call: where its results are. */
interface Finished {
  results: PieceResults;
  output: Float64Array | null;
  /** Items in the source. */
  length: number;
}

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

  /** @internal Use `par()`. */
  constructor(plan: Plan) {
    this.#plan = plan;
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
   * Pairs each item with its position in the source: `[index, item]`. It must come before
   * `filter`, `filterMap` and `flatMap` (after them the position is lost, as in rayon).
   *
   * @throws TypeError when a filter, filterMap or flatMap comes before it
   * @example
   * ```ts
   * await par(['a', 'b']).enumerate().collect(); // [[0, 'a'], [1, 'b']]
   * ```
   */
  enumerate(): ParIter<[number, T], C> {
    const loser = this.#plan.stages.find(
      (s) => s.op === 'filter' || s.op === 'filterMap' || s.op === 'flatMap',
    );
    if (loser !== undefined) {
      throw new TypeError(
        `enumerate: must come before filter, filterMap and flatMap (found ${loser.op} before it); an item's index is its position in the source`,
      );
    }
    return this.#stage({ op: 'enumerate' });
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
   * await par(range(0, 100)).withMaxLen(1).forEach((i) => slowWork(i));
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
    await this.#launch([], { op: 'forEach', f }, options, 'forEach', () => undefined);
  }

  /**
   * `forEach` with a per-piece state, as `mapInit` (made by `init(ctx)`, disposed when the piece ends).
   *
   * @example
   * ```ts
   * await par(names).with({ herd }).forEachInit(({ herd }) => herd.get(), (bump, name) => { bump.allocStr(name); });
   * ```
   */
  async forEachInit<S>(
    init: Task<(ctx: C) => S>,
    f: Task<(state: S, item: T, ctx: C) => void>,
    options?: CallOptions,
  ): Promise<void> {
    checkTask(init, 'forEachInit(init)');
    checkTask(f, 'forEachInit(f)');
    await this.#launch(
      [{ op: 'forEachInit', init, f }],
      { op: 'drain' },
      options,
      'forEachInit',
      () => undefined,
    );
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
    const items = await this.#launch([], { op: 'collect' }, options, 'collect', (done) =>
      assembleCollect(done.results, done.output, done.length),
    );
    return (items ?? []) as T[];
  }

  /**
   * Folds the items with `op`, which must be associative (pieces are folded separately, then
   * combined in order). `identity` is a value, or a function `(ctx) => value` called for each piece.
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
    return this.#reduce(identityTask, identity, op as AnyTask, options);
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
    return (await this.#launch([], { op: 'sum' }, options, 'sum', (done) => assembleSum(done.results))) ?? 0;
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
    return (
      (await this.#launch([], { op: 'count' }, options, 'count', (done) => assembleSum(done.results))) ?? 0
    );
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
    const min = await this.#launch([], { op: 'min' }, options, 'min', (done) =>
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
    const max = await this.#launch([], { op: 'max' }, options, 'max', (done) =>
      assembleExtreme(done.results, true),
    );
    return max as T | undefined;
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
    return (
      (await this.#launch([], { op: 'any', f }, options, 'any', (done) => wasFound(done.results))) ?? false
    );
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
    return (
      (await this.#launch([], { op: 'all', f }, options, 'all', (done) => !wasFound(done.results))) ?? true
    );
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
    const found = await this.#launch([], { op: 'findAny', f }, options, 'findAny', (done) =>
      wasFound(done.results) ? assembleFound(done.results) : undefined,
    );
    return found as T | undefined;
  }

  async #reduce(
    identityTask: AnyTask | null,
    identityValue: unknown,
    op: AnyTask,
    options: CallOptions | undefined,
  ): Promise<T> {
    const terminal: TerminalSpec = { op: 'reduce', identity: identityTask, identityValue, f: op };
    const ctx = this.#plan.context?.value;
    const partials: unknown[] = [];
    await this.#launch([], terminal, options, 'reduce', (done) =>
      forEachPieceResult(done.results, (value) => partials.push(value)),
    );
    if (partials.length === 0) {
      if (identityTask === null) return identityValue as T;
      return (await localFunction(identityTask, 'reduce(identity)'))(ctx) as T;
    }
    const combine = partials.length > 1 ? await localFunction(op, 'reduce(op)') : null;
    let acc = partials[0];
    for (let k = 1; k < partials.length; k++) acc = combine!(acc, partials[k], ctx);
    return acc as T;
  }

  #next(change: Partial<Plan>): ParIter<any, any> {
    return new ParIter({ ...this.#plan, ...change });
  }

  #stage(stage: StageSpec): ParIter<any, any> {
    return this.#next({ stages: [...this.#plan.stages, stage] });
  }

  /**
   * Validates, splits, posts, waits and hands the results to `assemble`; undefined without
   * calling it when the source is empty (no worker involved).
   */
  async #launch<R>(
    extraStages: StageSpec[],
    terminal: TerminalSpec,
    options: CallOptions | undefined,
    where: string,
    assemble: (done: Finished) => R,
  ): Promise<R | undefined> {
    const signal = signalOf(options, where);
    const plan = this.#plan;
    const pool = plan.pool ?? defaultPool();
    checkCanStart(pool, signal);
    const length = plan.source.length;
    const split = splitIntoPieces(length, pool.numThreads, plan);
    if (split.pieces === 0) return undefined;

    const stages = [...plan.stages, ...extraStages];
    const expands = stages.some((s) => s.op === 'flatMap');
    const output =
      terminal.op === 'collect' && !expands ? new Float64Array(new SharedArrayBuffer(length * 8)) : null;
    let context: unknown[] | null = null;
    let crossings: Crossing[] = [];
    if (plan.context !== null) ({ wire: context, crossings } = encodeValues([plan.context.value]));
    const parts = {
      type: 'iter' as const,
      id: nextJobId(),
      source: encodeSource(plan.source),
      length,
      pieces: split.pieces,
      regions: split.regions,
      stages: stages.map(encodeStage),
      terminal: encodeTerminal(terminal, output),
      helpable: pool.numThreads > 1 && split.pieces > 1,
      context,
    };
    return execute(
      pool,
      (ref): IterJob => ({ ...parts, ...ref }),
      split,
      // One worker starts; it asks the others to join once the call proves longer than a moment.
      1,
      crossings,
      signal,
      ({ memory, posted }) => assemble({ results: { memory, posted, pieces: split.pieces }, output, length }),
    );
  }
}

let lastJobId = 0;

/** Job ids are unique across pools, so a reply can never be taken for another call's. */
function nextJobId(): number {
  lastJobId = (lastJobId + 1) % Number.MAX_SAFE_INTEGER;
  return lastJobId;
}

function checkLength(n: unknown, where: string, allowInfinity: boolean): void {
  if (typeof n !== 'number') throw new TypeError(`${where}: n must be a number, got ${describeValue(n)}`);
  if ((allowInfinity && n === Number.POSITIVE_INFINITY) || (Number.isSafeInteger(n) && n >= 0)) return;
  throw new RangeError(`${where}: n must be an integer >= 0${allowInfinity ? ' or Infinity' : ''}, got ${n}`);
}
