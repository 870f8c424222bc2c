// Compiles the source of a pipeline's piece runner (pipeline-code.ts) once per worker and
// pipeline, and gives it what it reads per call — the loaded callbacks, the source, the context,
// and the functions through which a piece hands its result back. Inline code keeps a stage's value and the terminal's accumulator in registers and
// lets V8 inline the user's callbacks; a chain of closures costs ~15 ns an item instead.
import type { TaskWire } from '@herd/scope/runtime';
import { show } from '@herd/shared';
import { FOUND, type JobMemory, POSTED, SHARED, stopJob } from '../job-memory.js';
import type { IterJob, SourceWire } from '../protocol.js';
import { fromSharedView } from '../shared-view.js';
import { isThenable, notSyncError } from '../task.js';
import { type Pipeline, pipelineSource } from './pipeline-code.js';

type Fn = (...args: any[]) => any;

/** Thrown inside a worker when a callback throws; carries what the error message will name. */
export class StageFailure {
  constructor(
    readonly stage: string,
    readonly index: number,
    readonly error: unknown,
    readonly wire: TaskWire | null,
  ) {}
}

/**
 * Thrown by a short-circuit terminal (any, all, findAny, findFirst, …) once it has its answer, to
 * leave the piece loop at once without a check per item.
 */
export const HALT: unique symbol = Symbol('halt');

/**
 * The stage of a failure that is the call's rather than an item's — a callback of the wrong kind
 * (one that returned a Promise): the call rejects with the error itself, as it does when the
 * context does not revive (worker.ts and execute.ts call these 'setup' failures).
 */
const CALL_FAILURE = 'setup';

/** A compiled pipeline: runs one piece, throwing a `StageFailure` when a callback throws. */
export interface CompiledPipeline {
  runPiece(piece: number): void;
}

/**
 * Called by a running piece before each block of items (stop flag, help request): given the
 * block's length so far, returns the next one, or 0 when the call must stop. The call sits in an
 * outer loop over blocks — an Atomics.load inside the item loop cost ~9% on a heavy map — and the
 * checkpoint sizes the blocks by time (see worker.ts), so a slow callback is checked after
 * every item or few, and a fast one every few thousand.
 */
export type Checkpoint = (span: number) => number;

/** Compiled factories by pipeline; bounded so a program making endless distinct callbacks does not grow. */
const factories = new Map<string, (env: object) => (piece: number) => void>();
const MAX_FACTORIES = 256;

/**
 * Builds the piece runner for one call in one worker.
 *
 * @param job - the call
 * @param pipeline - the call's pipeline, as `describePipeline(job)` found it
 * @param fns - its callbacks, loaded, in the order of `pipeline.callbacks`
 * @param ctx - the revived context, passed as every callback's last argument
 * @param memory - the call's shared memory
 * @param posted - receives the results that cannot travel through shared memory
 * @param checkpoint - called before every block of items; sizes the next block, 0 to stop
 */
export function compilePipeline(
  job: IterJob,
  pipeline: Pipeline,
  fns: Fn[],
  ctx: unknown,
  memory: JobMemory,
  posted: [number, unknown][],
  checkpoint: Checkpoint,
): CompiledPipeline {
  let factory = factories.get(pipeline.key);
  if (factory === undefined) {
    if (factories.size >= MAX_FACTORIES) factories.clear();
    factory = compileFactory(pipelineSource(pipeline));
    factories.set(pipeline.key, factory);
  }
  const { control, states, values } = memory;
  const { terminal, pieces } = job;
  const keep = (piece: number, value: unknown): void => {
    if (typeof value === 'number') {
      values[piece] = value;
      Atomics.store(states, piece, SHARED);
    } else {
      posted.push([piece, value]);
      Atomics.store(states, piece, POSTED);
    }
  };
  // findFirst/findLast: FOUND holds the rank of the best piece that found a match (0: none);
  // pieces ranked below it have nothing to add and stop.
  const rank = terminal.op === 'findLast' ? (piece: number) => piece + 1 : (piece: number) => pieces - piece;
  const foundBest = (piece: number, value: unknown): void => {
    keep(piece, value);
    const mine = rank(piece);
    // Not a wait: a retry while another piece raises FOUND between our load and our exchange.
    for (;;) {
      const best = Atomics.load(control, FOUND);
      if (best >= mine || Atomics.compareExchange(control, FOUND, best, mine) === best) return;
    }
  };
  const sortViews = terminal.op === 'sortRuns' || terminal.op === 'mergeRuns';
  const runPiece = factory({
    fns,
    callbacks: pipeline.callbacks,
    ctx,
    checkpoint,
    output:
      (terminal.op === 'collect' || terminal.op === 'partition') && terminal.output !== null
        ? fromSharedView(terminal.output)
        : null,
    source:
      job.source.kind === 'range'
        ? null
        : job.source.kind === 'shared'
          ? fromSharedView(job.source.view)
          : job.source.array,
    start: job.source.kind === 'range' ? job.source.start : 0,
    length: job.length,
    pieces,
    stages: job.stages,
    terminal,
    others: job.stages.map((stage) => (stage.op === 'zip' ? decodeOther(stage.other) : null)),
    sortFrom: sortViews && terminal.from !== null ? fromSharedView(terminal.from) : null,
    sortTo: sortViews ? fromSharedView(terminal.to) : null,
    Failure: StageFailure,
    HALT,
    CALL_FAILURE,
    toArray,
    isThenable,
    disposeState,
    keep,
    keepCollected: (piece: number, count: number, list: unknown[] | null) => {
      if (list === null) {
        values[piece] = count;
        Atomics.store(states, piece, SHARED);
      } else {
        posted.push([piece, list]);
        Atomics.store(states, piece, POSTED);
      }
    },
    found: (piece: number, value: unknown) => {
      if (
        Atomics.compareExchange(control, FOUND, 0, 1) === 0 &&
        (terminal.op === 'findAny' || terminal.op === 'positionAny')
      ) {
        keep(piece, value);
      }
      stopJob(control);
    },
    foundFirst: foundBest,
    foundLast: foundBest,
    beaten: (piece: number) => Atomics.load(control, FOUND) > rank(piece),
    cloneValue,
    notNumber: (value: unknown) => new TypeError(`sum: item is not a number: ${show(value)}`),
    notSyncError: (fn: number, index: number, thenable: unknown) =>
      notSyncError(pipeline.callbacks[fn]!.stage, index, thenable),
    rangeChunk,
  });
  return { runPiece };
}

/**
 * Compiles a pipeline's code. Where a Content-Security-Policy forbids compiling strings ('unsafe-eval'
 * missing), says so, and what to do: the pipeline itself is compiled, whatever its callbacks are.
 */
function compileFactory(source: string): (env: object) => (piece: number) => void {
  try {
    return new Function('env', source) as (env: object) => (piece: number) => void;
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    throw new EvalError(
      "@herd/rayon-lite compiles each pipeline into one function in its workers (new Function), which this thread's Content-Security-Policy forbids: allow 'unsafe-eval' in the script-src that applies to the worker, or run the work with @herd/scope's spawn and module tasks, which need no eval",
      { cause: error },
    );
  }
}

/** A value identity (`reduce`, `fold`): each piece gets its own copy of an object. */
function cloneValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function toArray(value: unknown): ArrayLike<unknown> {
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>);
  }
  throw new TypeError(`flatMap: the callback must return an iterable, got ${show(value)}`);
}

/** The integers [from, to), a chunk of a range. */
function rangeChunk(from: number, to: number): number[] {
  const chunk = new Array<number>(to - from);
  for (let k = 0; k < chunk.length; k++) chunk[k] = from + k;
  return chunk;
}

/** The other sequence of a `zip`: a range's start, or the items. */
function decodeOther(wire: SourceWire): number | ArrayLike<unknown> {
  if (wire.kind === 'range') return wire.start;
  return wire.kind === 'shared' ? fromSharedView(wire.view) : wire.array;
}

/** `Symbol.dispose` where the runtime has it; the registered fallback otherwise (older engines). */
const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

/**
 * Ends a `mapInit`/`forEachInit` state when its piece ends: `[Symbol.dispose]()` if it has one,
 * else `release()` (a herd `Member`), else nothing.
 */
function disposeState(state: unknown): void {
  if (state === null || (typeof state !== 'object' && typeof state !== 'function')) return;
  const record = state as Record<string | symbol, unknown>;
  const dispose = record[DISPOSE];
  if (typeof dispose === 'function') {
    dispose.call(state);
    return;
  }
  const release = record.release;
  if (typeof release === 'function') release.call(state);
}
