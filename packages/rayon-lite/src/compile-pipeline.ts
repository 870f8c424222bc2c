/**
 * The worker side of a parallel iterator: turns the pipeline description into one chain of
 * closures, built once per call, that each piece pushes its items through in a tight loop.
 */
import type { TaskWire } from '@herd/scope/runtime';
import { describeValue } from './describe-value.js';
import { disposeState } from './dispose-state.js';
import { FOUND, type JobMemory, POSTED, SHARED, STOP, stopJob } from './job-memory.js';
import type { IterJob, SourceWire, StageWire, TerminalWire } from './protocol.js';
import { HALT, StageFailure } from './stage-failure.js';

type Fn = (...args: any[]) => any;
type Push = (item: unknown, index: number) => void;

/** Looks up the function a task wire was loaded into. */
export type TaskLookup = (wire: TaskWire) => Fn;

/** The end of the chain: consumes items and leaves one result per piece. */
interface Sink {
  push: Push;
  begin(piece: number, lo: number): void;
  end(piece: number): void;
}

/** A per-piece state (mapInit, forEachInit): made when a piece begins, disposed when it ends. */
interface PieceState {
  begin(lo: number): void;
  end(lo: number): StageFailure | null;
}

/** How often (in items) a running piece looks at the stop flag: cheap, and a stop is seen soon. */
const STOP_CHECK_MASK = 1023;

/** A compiled pipeline: runs one piece, throwing a `StageFailure` when a callback throws. */
export interface CompiledPipeline {
  runPiece(piece: number): void;
}

/**
 * Builds the chain for one call in one worker.
 *
 * @param job - the call
 * @param lookup - the loaded callbacks
 * @param ctx - the revived context, passed as every callback's last argument
 * @param memory - the call's shared memory
 * @param posted - receives the results that cannot travel through shared memory
 */
export function compilePipeline(
  job: IterJob,
  lookup: TaskLookup,
  ctx: unknown,
  memory: JobMemory,
  posted: [number, unknown][],
): CompiledPipeline {
  const sink = makeSink(job.terminal, lookup, ctx, memory, posted);
  const states: PieceState[] = [];
  let head = sink.push;
  for (let s = job.stages.length - 1; s >= 0; s--) {
    head = makeStage(job.stages[s]!, head, lookup, ctx, states);
  }
  const loop = makeLoop(job.source, head, memory.control);
  const { length, pieceLength } = job;

  return {
    runPiece(piece) {
      const lo = piece * pieceLength;
      const hi = Math.min(length, lo + pieceLength);
      sink.begin(piece, lo);
      beginStates(states, lo);
      let failure: unknown = null;
      try {
        loop(lo, hi);
      } catch (error) {
        if (error !== HALT) failure = error;
      }
      const disposeFailure = endStates(states, lo, states.length);
      if (failure !== null) {
        throw failure instanceof StageFailure ? failure : new StageFailure('pipeline', lo, failure, null);
      }
      if (disposeFailure !== null) throw disposeFailure;
      sink.end(piece);
    },
  };
}

function beginStates(states: PieceState[], lo: number): void {
  for (let s = 0; s < states.length; s++) {
    try {
      states[s]!.begin(lo);
    } catch (error) {
      endStates(states, lo, s);
      throw error;
    }
  }
}

/** Disposes the first `count` states, all of them even if one throws; reports the first throw. */
function endStates(states: PieceState[], lo: number, count: number): StageFailure | null {
  let first: StageFailure | null = null;
  for (let s = 0; s < count; s++) first ??= states[s]!.end(lo);
  return first;
}

/** One loop per source kind, so each stays monomorphic. */
function makeLoop(source: SourceWire, head: Push, control: Int32Array): (lo: number, hi: number) => void {
  if (source.kind === 'range') {
    const start = source.start;
    return (lo, hi) => {
      for (let i = lo; i < hi; i++) {
        if ((i & STOP_CHECK_MASK) === 0 && Atomics.load(control, STOP) !== 0) return;
        head(start + i, i);
      }
    };
  }
  const array = source.array;
  return (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      if ((i & STOP_CHECK_MASK) === 0 && Atomics.load(control, STOP) !== 0) return;
      head(array[i], i);
    }
  };
}

function makeStage(stage: StageWire, next: Push, lookup: TaskLookup, ctx: unknown, states: PieceState[]): Push {
  switch (stage.op) {
    case 'enumerate':
      return (x, i) => next([i, x], i);
    case 'map': {
      const f = lookup(stage.f);
      return (x, i) => {
        let y: unknown;
        try {
          y = f(x, ctx);
        } catch (error) {
          throw new StageFailure('map', i, error, stage.f);
        }
        next(y, i);
      };
    }
    case 'filter': {
      const f = lookup(stage.f);
      return (x, i) => {
        let keep: unknown;
        try {
          keep = f(x, ctx);
        } catch (error) {
          throw new StageFailure('filter', i, error, stage.f);
        }
        if (keep) next(x, i);
      };
    }
    case 'filterMap': {
      const f = lookup(stage.f);
      return (x, i) => {
        let y: unknown;
        try {
          y = f(x, ctx);
        } catch (error) {
          throw new StageFailure('filterMap', i, error, stage.f);
        }
        if (y !== undefined && y !== null) next(y, i);
      };
    }
    case 'flatMap': {
      const f = lookup(stage.f);
      return (x, i) => {
        let ys: ArrayLike<unknown>;
        try {
          ys = toArray(f(x, ctx));
        } catch (error) {
          throw new StageFailure('flatMap', i, error, stage.f);
        }
        for (let k = 0; k < ys.length; k++) next(ys[k], i);
      };
    }
    case 'mapInit':
    case 'forEachInit': {
      const init = lookup(stage.init);
      const f = lookup(stage.f);
      const name = stage.op;
      let state: unknown;
      states.push({
        begin(lo) {
          try {
            state = init(ctx);
          } catch (error) {
            throw new StageFailure(`${name} init`, lo, error, stage.init);
          }
        },
        end(lo) {
          const ending = state;
          state = undefined;
          try {
            disposeState(ending);
            return null;
          } catch (error) {
            return new StageFailure(`${name} dispose`, lo, error, null);
          }
        },
      });
      return (x, i) => {
        let y: unknown;
        try {
          y = f(state, x, ctx);
        } catch (error) {
          throw new StageFailure(name, i, error, stage.f);
        }
        next(y, i);
      };
    }
  }
}

function toArray(value: unknown): ArrayLike<unknown> {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>);
  }
  throw new TypeError(`flatMap: the callback must return an iterable, got ${describeValue(value)}`);
}

function makeSink(
  terminal: TerminalWire,
  lookup: TaskLookup,
  ctx: unknown,
  memory: JobMemory,
  posted: [number, unknown][],
): Sink {
  const { control, states, values } = memory;
  const keep = (piece: number, value: unknown): void => {
    if (typeof value === 'number') {
      values[piece] = value;
      Atomics.store(states, piece, SHARED);
    } else {
      posted.push([piece, value]);
      Atomics.store(states, piece, POSTED);
    }
  };
  const noBegin = (): void => {};

  switch (terminal.op) {
    case 'drain':
      return { push: () => {}, begin: noBegin, end: () => {} };
    case 'forEach': {
      const f = lookup(terminal.f);
      return {
        push: (x, i) => {
          try {
            f(x, ctx);
          } catch (error) {
            throw new StageFailure('forEach', i, error, terminal.f);
          }
        },
        begin: noBegin,
        end: () => {},
      };
    }
    case 'collect':
      return collectSink(terminal.output, memory, posted);
    case 'sum': {
      let total = 0;
      return {
        push: (x, i) => {
          if (typeof x !== 'number') {
            throw new StageFailure('sum', i, new TypeError(`sum: item is not a number: ${describeValue(x)}`), null);
          }
          total += x;
        },
        begin: () => {
          total = 0;
        },
        end: (piece) => keep(piece, total),
      };
    }
    case 'count': {
      let count = 0;
      return {
        push: () => {
          count++;
        },
        begin: () => {
          count = 0;
        },
        end: (piece) => keep(piece, count),
      };
    }
    case 'min':
    case 'max': {
      const isMax = terminal.op === 'max';
      let has = false;
      let best: any;
      return {
        push: (x: any) => {
          if (!has) {
            has = true;
            best = x;
          } else if (isMax ? x >= best : x < best) {
            best = x;
          }
        },
        begin: () => {
          has = false;
          best = undefined;
        },
        end: (piece) => {
          if (has) keep(piece, best);
        },
      };
    }
    case 'reduce': {
      const op = lookup(terminal.f);
      const identityWire = terminal.identity;
      const identity = identityWire === null ? null : lookup(identityWire);
      const identityValue = terminal.identityValue;
      let acc: unknown;
      return {
        push: (x, i) => {
          try {
            acc = op(acc, x, ctx);
          } catch (error) {
            throw new StageFailure('reduce', i, error, terminal.f);
          }
        },
        begin: (_piece, lo) => {
          if (identity === null) {
            acc = typeof identityValue === 'object' && identityValue !== null ? structuredClone(identityValue) : identityValue;
            return;
          }
          try {
            acc = identity(ctx);
          } catch (error) {
            throw new StageFailure('reduce identity', lo, error, identityWire);
          }
        },
        end: (piece) => keep(piece, acc),
      };
    }
    case 'any':
    case 'all':
    case 'findAny': {
      const pred = lookup(terminal.f);
      const name = terminal.op;
      const decidesOn = terminal.op !== 'all';
      let current = 0;
      return {
        push: (x, i) => {
          let hit: boolean;
          try {
            hit = Boolean(pred(x, ctx));
          } catch (error) {
            throw new StageFailure(name, i, error, terminal.f);
          }
          if (hit !== decidesOn) return;
          if (Atomics.compareExchange(control, FOUND, 0, 1) === 0 && name === 'findAny') keep(current, x);
          stopJob(control);
          throw HALT;
        },
        begin: (piece) => {
          current = piece;
        },
        end: () => {},
      };
    }
  }
}

/**
 * Collects in order. While every item is a number it writes them straight into the shared output
 * at the piece's own offset (a piece never yields more items than it reads when there is no
 * flatMap, which is when the output exists); at the first other value it moves the piece to a
 * posted array.
 */
function collectSink(output: Float64Array | null, memory: JobMemory, posted: [number, unknown][]): Sink {
  const { states, values } = memory;
  let base = 0;
  let count = 0;
  let list: unknown[] | null = null;
  return {
    push: (x) => {
      if (list === null) {
        if (output !== null && typeof x === 'number') {
          output[base + count++] = x;
          return;
        }
        list = output === null ? [] : Array.from(output.subarray(base, base + count));
      }
      list.push(x);
    },
    begin: (_piece, lo) => {
      base = lo;
      count = 0;
      list = output === null ? [] : null;
    },
    end: (piece) => {
      if (list === null) {
        values[piece] = count;
        Atomics.store(states, piece, SHARED);
      } else {
        posted.push([piece, list]);
        Atomics.store(states, piece, POSTED);
      }
    },
  };
}
