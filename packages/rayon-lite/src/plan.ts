// What a `ParIter` describes — source, stages, context, piece bounds — and how its callbacks are
// encoded for the workers when a terminal runs it.
import { encodeTask, type TaskWire } from '@herd/scope/runtime';
import { isTypedArray, type TypedArray } from '@herd/shared';
import type { StageWire, TerminalWire } from './protocol.js';
import { Range } from './range.js';
import { toSharedView } from './shared-view.js';
import { encodeSource, type Source } from './source.js';
import type { Task } from './task.js';
import type { WorkerSet } from './worker-set.js';

type Fn = (...args: any[]) => any;
export type AnyTask = Task<Fn>;

export type StageSpec =
  | { op: 'map' | 'filter' | 'filterMap' | 'flatMap'; f: AnyTask }
  | { op: 'mapInit' | 'forEachInit'; init: AnyTask; f: AnyTask }
  | { op: 'enumerate' }
  | { op: 'fold'; identity: AnyTask | null; identityValue: unknown; f: AnyTask }
  | { op: 'chunks'; size: number }
  | { op: 'zip'; other: Source };

export type TerminalSpec =
  | {
      op:
        | 'forEach'
        | 'any'
        | 'all'
        | 'findAny'
        | 'findFirst'
        | 'findLast'
        | 'positionAny'
        | 'positionFirst'
        | 'reduceWith'
        | 'minBy'
        | 'maxBy'
        | 'minByKey'
        | 'maxByKey'
        | 'partition';
      f: AnyTask;
    }
  | { op: 'drain' | 'collect' | 'sum' | 'count' | 'min' | 'max' }
  | { op: 'reduce'; identity: AnyTask | null; identityValue: unknown; f: AnyTask }
  | {
      op: 'sortRuns';
      from: TypedArray | null;
      to: TypedArray;
      runLength: number;
      compare: AnyTask | null;
    }
  | {
      op: 'mergeRuns';
      from: TypedArray;
      to: TypedArray;
      width: number;
      parts: number;
      compare: AnyTask | null;
    };

/** Everything a `ParIter` describes; adapters copy it with one change. */
export interface Plan {
  /** The pool's workers; undefined for the default pool, started by the first terminal. */
  readonly workers: WorkerSet | undefined;
  readonly source: Source;
  readonly stages: readonly StageSpec[];
  readonly context: { readonly value: unknown } | null;
  /** Bounds on a piece, in items of the pipeline's indexed part (chunks, after `chunks`). */
  readonly minLen: number;
  readonly maxLen: number;
}

/** The plan of `par(source)`: no stage yet, no context, pieces of any length. */
export function planOver(source: Source, workers: WorkerSet | undefined): Plan {
  return { workers, source, stages: [], context: null, minLen: 1, maxLen: Number.POSITIVE_INFINITY };
}

/** The stages that lose an item's position (rayon's non-indexed adapters). */
const LOSES_POSITION = new Set<StageSpec['op']>(['filter', 'filterMap', 'flatMap', 'fold']);

/**
 * The first stage after which items no longer have a position in the source, if any: `enumerate`,
 * `zip`, `chunks` and the `position*` terminals need one (rayon's IndexedParallelIterator).
 */
export function positionLoser(plan: Plan): StageSpec['op'] | undefined {
  return plan.stages.find((stage) => LOSES_POSITION.has(stage.op))?.op;
}

/**
 * How many items the indexed part of the pipeline yields — the source's, grouped by `chunks`,
 * cut to the shorter by `zip` — which is what a call cuts into pieces (its units, each `unitPer`
 * source items); and the stages' wire forms.
 */
export function encodeStages(plan: Plan): { units: number; unitPer: number; stages: StageWire[] } {
  let units = plan.source.length;
  let unitPer = 1;
  const stages = plan.stages.map((stage, n): StageWire => {
    switch (stage.op) {
      case 'enumerate':
        return stage;
      case 'chunks': {
        const items = units;
        units = Math.ceil(units / stage.size);
        unitPer *= stage.size;
        // Right on a typed-array source, a chunk is a view of it.
        const views = n === 0 && isTypedArray(plan.source);
        return { op: 'chunks', size: stage.size, items, views };
      }
      case 'zip': {
        units = Math.min(units, stage.other.length);
        // Only the first `units` items of the other sequence are read: send no more.
        const other = stage.other.length > units ? prefix(stage.other, units) : stage.other;
        return { op: 'zip', other: encodeSource(other), length: units };
      }
      case 'mapInit':
      case 'forEachInit':
        return {
          op: stage.op,
          init: encodeTask(stage.init, `${stage.op}(init)`),
          f: encodeTask(stage.f, `${stage.op}(f)`),
        };
      case 'fold': {
        const identity = stage.identity === null ? null : encodeTask(stage.identity, 'fold(identity)');
        return {
          op: 'fold',
          identity,
          identityValue: identity === null ? stage.identityValue : undefined,
          f: encodeTask(stage.f, 'fold(op)'),
        };
      }
      default:
        return { op: stage.op, f: encodeTask(stage.f, `${stage.op}(f)`) };
    }
  });
  return { units, unitPer, stages };
}

function prefix(source: Source, length: number): Source {
  if (source instanceof Range) return new Range(source.start, source.start + length);
  if (isTypedArray(source)) return source.subarray(0, length);
  return Array.prototype.slice.call(source, 0, length);
}

/** The wire form of a terminal; `output` is the shared output of a numeric collect or partition. */
export function encodeTerminal(terminal: TerminalSpec, output: Float64Array | null): TerminalWire {
  switch (terminal.op) {
    case 'collect':
      return { op: 'collect', output: output === null ? null : toSharedView(output) };
    case 'partition':
      return {
        op: 'partition',
        f: encodeTask(terminal.f, 'partition(f)'),
        output: output === null ? null : toSharedView(output),
      };
    case 'reduce': {
      const identity: TaskWire | null =
        terminal.identity === null ? null : encodeTask(terminal.identity, 'reduce(identity)');
      return {
        op: 'reduce',
        identity,
        identityValue: identity === null ? terminal.identityValue : undefined,
        f: encodeTask(terminal.f, 'reduce(op)'),
      };
    }
    case 'sortRuns':
      return {
        op: 'sortRuns',
        from: terminal.from === null ? null : toSharedView(terminal.from),
        to: toSharedView(terminal.to),
        runLength: terminal.runLength,
        compare: terminal.compare === null ? null : encodeTask(terminal.compare, 'parSort(compare)'),
      };
    case 'mergeRuns':
      return {
        op: 'mergeRuns',
        from: toSharedView(terminal.from),
        to: toSharedView(terminal.to),
        width: terminal.width,
        parts: terminal.parts,
        compare: terminal.compare === null ? null : encodeTask(terminal.compare, 'parSort(compare)'),
      };
    case 'drain':
    case 'sum':
    case 'count':
    case 'min':
    case 'max':
      return { op: terminal.op };
    default:
      return { op: terminal.op, f: encodeTask(terminal.f, callbackParam(terminal.op)) };
  }
}

/** The parameter name of a terminal's callback, as the user knows it. */
function callbackParam(op: string): string {
  switch (op) {
    case 'reduceWith':
      return 'reduceWith(op)';
    case 'minBy':
    case 'maxBy':
      return `${op}(compare)`;
    case 'minByKey':
    case 'maxByKey':
      return `${op}(key)`;
    default:
      return `${op}(f)`;
  }
}
