import type { ErrorWire } from './runtime/error-codec.js';
import type { TaskWire } from './runtime/task-codec.js';

/** What a scope thread receives as `workerData`. */
export interface ThreadData {
  '@herd/scope': 1;
  task: TaskWire;
  args: unknown[];
}

/** The one message a scope thread posts back when its task settled. */
export type ThreadResult = { ok: true; value: unknown } | { ok: false; error: ErrorWire };

export function isThreadData(value: unknown): value is ThreadData {
  return value !== null && typeof value === 'object' && (value as ThreadData)['@herd/scope'] === 1;
}
