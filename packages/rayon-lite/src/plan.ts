/**
 * What a `ParIter` describes — source, stages, context, piece bounds — and how its callbacks are
 * encoded for the workers when a terminal runs it.
 */
import { encodeTask, type TaskWire } from '@herd/scope/runtime';
import type { StageWire, TerminalWire } from './protocol.js';
import { toSharedView } from './shared-view.js';
import type { Source } from './source.js';
import type { Task } from './task.js';
import type { ThreadPool } from './thread-pool.js';

type Fn = (...args: any[]) => any;
export type AnyTask = Task<Fn>;

export type StageSpec =
  | { op: 'map' | 'filter' | 'filterMap' | 'flatMap'; f: AnyTask }
  | { op: 'mapInit' | 'forEachInit'; init: AnyTask; f: AnyTask }
  | { op: 'enumerate' };

export type TerminalSpec =
  | { op: 'forEach' | 'any' | 'all' | 'findAny'; f: AnyTask }
  | { op: 'drain' | 'collect' | 'sum' | 'count' | 'min' | 'max' }
  | { op: 'reduce'; identity: AnyTask | null; identityValue: unknown; f: AnyTask };

/** Everything a `ParIter` describes; adapters copy it with one change. */
export interface Plan {
  readonly pool: ThreadPool | undefined;
  readonly source: Source;
  readonly stages: readonly StageSpec[];
  readonly context: { readonly value: unknown } | null;
  readonly minLen: number;
  readonly maxLen: number;
}

/** The wire form of a stage: its callbacks encoded (source text or module URL). */
export function encodeStage(stage: StageSpec): StageWire {
  switch (stage.op) {
    case 'enumerate':
      return stage;
    case 'mapInit':
    case 'forEachInit':
      return {
        op: stage.op,
        init: encodeTask(stage.init, `${stage.op}(init)`),
        f: encodeTask(stage.f, `${stage.op}(f)`),
      };
    default:
      return { op: stage.op, f: encodeTask(stage.f, `${stage.op}(f)`) };
  }
}

/** The wire form of a terminal; `output` is the shared output of a numeric collect. */
export function encodeTerminal(terminal: TerminalSpec, output: Float64Array | null): TerminalWire {
  switch (terminal.op) {
    case 'collect':
      return { op: 'collect', output: output === null ? null : toSharedView(output) };
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
    case 'forEach':
    case 'any':
    case 'all':
    case 'findAny':
      return { op: terminal.op, f: encodeTask(terminal.f, `${terminal.op}(f)`) };
    default:
      return { op: terminal.op };
  }
}
