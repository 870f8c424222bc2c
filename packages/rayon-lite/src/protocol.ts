/**
 * The messages between a pool and its workers. One `IterJob` or `JoinJob` goes to each worker
 * taking part in a call; each answers with one `JobReply` when it has no more pieces to claim.
 */
import type { ErrorWire, TaskWire } from '@herd/scope/runtime';
import type { MemoryRef } from './memory-slots.js';
import type { SharedView } from './shared-view.js';

/** The job kind a pool's worker entry serves (worker.ts). */
export const CALL_KIND = 'rayon-lite/call';

/** What a pool's threads start with: its job memories (memory-slots.ts). */
export interface PoolThreadData {
  slots: SharedArrayBuffer;
}

/** How a worker reads the source: computed (range), in place (shared typed array) or cloned. */
export type SourceWire =
  | { kind: 'range'; start: number }
  | { kind: 'shared'; view: SharedView }
  | { kind: 'array'; array: unknown[] };

/** One adapter of the pipeline. */
export type StageWire =
  | { op: 'map' | 'filter' | 'filterMap' | 'flatMap'; f: TaskWire }
  | { op: 'mapInit' | 'forEachInit'; init: TaskWire; f: TaskWire }
  | { op: 'enumerate' };

/** The terminal that consumes what the pipeline yields. */
export type TerminalWire =
  | { op: 'forEach'; f: TaskWire }
  | { op: 'drain' }
  | { op: 'collect'; output: SharedView | null }
  | { op: 'reduce'; identity: TaskWire | null; identityValue: unknown; f: TaskWire }
  | { op: 'sum' | 'count' | 'min' | 'max' }
  | { op: 'any' | 'all' | 'findAny'; f: TaskWire };

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
  /** Whether the worker may ask for the other workers' help (see run-job.ts). */
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
