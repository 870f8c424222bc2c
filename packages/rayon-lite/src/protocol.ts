// The messages between a pool and its workers. One `IterJob` or `JoinJob` goes to each worker
// taking part in a call; each answers with one `JobReply` when it has no more pieces to claim.
// Both sides use it (the pool and src/worker/).
import type { ErrorWire, TaskWire } from '@herd/scope/runtime';
import type { MemoryRef } from './memory-slots.js';
import type { SharedView } from './shared-view.js';

/** The job kind a pool's worker entry serves (worker/worker.ts). */
export const CALL_KIND = 'rayon-lite/call';

/** What a pool's threads start with: its job memories (memory-slots.ts), one SharedArrayBuffer. */
export interface PoolThreadData {
  slots: SharedArrayBuffer;
}

/** How a worker reads the source: computed (range), in place (shared typed array) or cloned. */
export type SourceWire =
  | { kind: 'range'; start: number }
  | { kind: 'shared'; view: SharedView }
  | { kind: 'array'; array: unknown[] };

/**
 * One adapter of the pipeline. `chunks` carries how many items reach it, so the worker knows
 * where the last, shorter chunk ends, and whether its chunks are views (of a typed-array source);
 * `zip` carries its other sequence and how many pairs it yields (the shorter length).
 */
export type StageWire =
  | { op: 'map' | 'filter' | 'filterMap' | 'flatMap'; f: TaskWire }
  | { op: 'mapInit' | 'forEachInit'; init: TaskWire; f: TaskWire }
  | { op: 'enumerate' }
  | { op: 'fold'; identity: TaskWire | null; identityValue: unknown; f: TaskWire }
  | { op: 'chunks'; size: number; items: number; views: boolean }
  | { op: 'zip'; other: SourceWire; length: number };

/**
 * The terminal that consumes what the pipeline yields. `sortRuns` and `mergeRuns` are the phases
 * of `parSort` (par-sort.ts): their source is a range of run or segment numbers; the order
 * follows from the kind of `to` (or from `compare`).
 */
export type TerminalWire =
  | { op: 'forEach'; f: TaskWire }
  | { op: 'drain' }
  | { op: 'collect'; output: SharedView | null }
  | { op: 'partition'; f: TaskWire; output: SharedView | null }
  | { op: 'reduce'; identity: TaskWire | null; identityValue: unknown; f: TaskWire }
  | { op: 'reduceWith'; f: TaskWire }
  | { op: 'sum' | 'count' | 'min' | 'max' }
  | { op: 'minBy' | 'maxBy' | 'minByKey' | 'maxByKey'; f: TaskWire }
  | {
      op: 'any' | 'all' | 'findAny' | 'findFirst' | 'findLast' | 'positionAny' | 'positionFirst';
      f: TaskWire;
    }
  | {
      op: 'sortRuns';
      /** Copied into `to` run by run before sorting, or null to sort `to` as it is. */
      from: SharedView | null;
      to: SharedView;
      runLength: number;
      compare: TaskWire | null;
    }
  | {
      op: 'mergeRuns';
      from: SharedView;
      to: SharedView;
      /** Length of the sorted runs of `from`; runs 2k and 2k+1 merge into one. */
      width: number;
      /** Output segments per merged pair (the call's items are pairs × parts). */
      parts: number;
      compare: TaskWire | null;
    };

/** A parallel-iterator call, as one worker receives it. */
export interface IterJob extends MemoryRef {
  type: 'iter';
  id: number;
  source: SourceWire;
  length: number;
  /** The cut (pieces.ts): near-equal pieces, one region of them per thread. */
  pieces: number;
  regions: number;
  stages: StageWire[];
  terminal: TerminalWire;
  /** Whether the worker may ask for the other workers' help (see worker/worker.ts). */
  helpable: boolean;
  /** `[ctx]` encoded with `encodeValues`, or null without `with(ctx)`. */
  context: unknown[] | null;
}

/** A `join(a, b)` call: pieces 0 and 1 are `a` and `b`. */
export interface JoinJob extends MemoryRef {
  type: 'join';
  id: number;
  pieces: 2;
  regions: number;
  tasks: [TaskWire, TaskWire];
  context: unknown[] | null;
}

export type Job = IterJob | JoinJob;

/** A callback that threw: which one, on which item (or join side), and the error. */
export interface FailureWire {
  stage: string;
  index: number;
  error: ErrorWire;
}

/** A worker's answer when it has no more pieces of a job to claim. */
export interface JobReply {
  type: 'done';
  id: number;
  /** How many pieces this worker ran. */
  ran: number;
  /** Results that could not go through shared memory: `[piece, value]`. */
  posted: [number, unknown][];
  /** Every failure met (join reports both sides; an iterator stops at its first). */
  failures: FailureWire[];
}
