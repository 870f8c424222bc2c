/**
 * The messages between the runtime and a thread it started. A thread runs the jobs posted to it
 * one after another, in the order they were posted; each ends with one reply. A running job may
 * also post events (a pool worker asking for help).
 *
 * ```
 * runtime -> thread   { '@herd/job': id, kind, payload }
 * thread  -> runtime  { '@herd/reply': id, ok: true, value, clean }
 *                     { '@herd/reply': id, ok: false, error: ErrorWire, clean }
 *                     { '@herd/event': id, event }
 * ```
 *
 * The thread's control words, shared from its start, let the runtime stop one job without
 * stopping another (see `RuntimeThread.abortJob`):
 *
 * ```
 * Int32 [0] STARTED  jobs the thread has begun, or FROZEN while the runtime decides whether to
 *                    terminate the thread for the job it is in (the thread then waits to begin
 *                    its next one)
 *       [1] POSTED   jobs the runtime has posted to the thread: a thread that just finished a job
 *                    watches it for a moment, so a job that follows closely finds it awake
 * ```
 */
import type { ErrorWire } from './error-codec.js';

export const STARTED = 0;
export const POSTED = 1;
export const FROZEN = -1;
export const CONTROL_BYTES = 8;

export interface JobMessage {
  '@herd/job': number;
  kind: string;
  payload: unknown;
}

export type ReplyMessage =
  | { '@herd/reply': number; ok: true; value: unknown; clean: boolean }
  | { '@herd/reply': number; ok: false; error: ErrorWire; clean: boolean };

export interface EventMessage {
  '@herd/event': number;
  event: unknown;
}

/** What a thread is started with: its control words and its owner's data. */
export interface ThreadStart {
  control: SharedArrayBuffer;
  data: unknown;
}

export function isJob(message: unknown): message is JobMessage {
  return typeof (message as JobMessage | null)?.['@herd/job'] === 'number';
}

export function isReply(message: unknown): message is ReplyMessage {
  return typeof (message as ReplyMessage | null)?.['@herd/reply'] === 'number';
}

export function isEvent(message: unknown): message is EventMessage {
  return typeof (message as EventMessage | null)?.['@herd/event'] === 'number';
}
