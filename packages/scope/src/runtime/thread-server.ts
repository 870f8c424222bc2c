/**
 * The thread side of the runtime: what a package's worker entry runs. It says who the thread is
 * (the thread context every Herd package reads), then runs the jobs posted to it one after
 * another, each with the handler its kind names, and answers each with one reply. When a job
 * ends the thread gives back what the job still holds (channel ends, herd members) and tells the
 * runtime whether the job left something running (a timer, a socket), since such a thread must
 * not run anyone else's job.
 *
 * Between jobs the thread waits in its event loop, like any worker: timers and I/O a job started
 * keep working, and a job is delivered as an ordinary message.
 */

import { endTask, THREAD_CONTEXT, type ThreadContext } from '@herd/shared';
import { encodeError } from './error-codec.js';
import { explainError } from './explain-error.js';
import {
  type EventMessage,
  FROZEN,
  isJob,
  type JobMessage,
  POSTED,
  type ReplyMessage,
  STARTED,
  type ThreadStart,
} from './job-protocol.js';
import type { ThreadPort } from './platform.js';
import { threadPort } from './platform-node.js';
import { loadTask, type TaskWire } from './task-codec.js';
import { reviveValues } from './value-codec.js';

/**
 * What a handler gets besides its job's payload.
 *
 * @example
 * ```ts
 * const handler: JobHandler = (payload, job) => { job.emit('halfway'); return 42; };
 * ```
 */
export interface JobContext {
  /** The job's id, as the runtime knows it. */
  readonly id: number;
  /** What the thread's owner passed as its start data. */
  readonly data: unknown;
  /** Posts `event` to the runtime while the job runs (to the job's `onEvent`). */
  emit(event: unknown): void;
}

/**
 * Runs one kind of job. Its return value (awaited) is the reply; what it throws, the failure.
 *
 * @example
 * ```ts
 * const double: JobHandler = (payload) => (payload as number) * 2;
 * ```
 */
export type JobHandler = (payload: unknown, job: JobContext) => unknown;

/**
 * A scope task: an inline function or a module task, and its arguments as `encodeValues` made them.
 *
 * @example
 * ```ts
 * const payload: TaskPayload = { task: encodeTask((a, b) => a + b, 'fn'), args: [1, 2] };
 * ```
 */
export interface TaskPayload {
  task: TaskWire;
  args: unknown[];
}

/** Runs a task: the job every runtime thread knows, whatever package started it. */
async function runTask(payload: unknown): Promise<unknown> {
  const { task, args } = payload as TaskPayload;
  try {
    const fn = await loadTask(task);
    return await fn(...(await reviveValues(args)));
  } catch (error) {
    throw explainError(error, task);
  }
}

/**
 * Serves the jobs posted to this thread; a package's worker entry calls it once.
 *
 * @param handlers - the package's job kinds; `'task'` (run a scope task) is always there
 * @example
 * ```ts
 * // worker.ts of a package
 * import { serveThread } from '@herd/scope/runtime';
 * void serveThread({ 'my-pkg/double': (payload) => (payload as number) * 2 });
 * ```
 */
export async function serveThread(handlers: Record<string, JobHandler> = {}): Promise<void> {
  const port = await threadPort();
  const start = port.data as ThreadStart;
  const control = new Int32Array(start.control);
  const context: ThreadContext = { id: port.id, main: false, task: new Map(), running: false };
  Object.defineProperty(globalThis, THREAD_CONTEXT, { value: context, configurable: true });
  const known: Record<string, JobHandler> = { task: runTask, ...handlers };
  let queue = Promise.resolve();
  let received = 0;
  let pending = 0;
  port.listen((message) => {
    if (!isJob(message)) return;
    received++;
    pending++;
    queue = queue
      .then(() => serve(context, port, known, control, start.data, message))
      .then(() => {
        if (--pending === 0) watchForNextJob(control, received);
      });
  });
}

/**
 * How long a thread that ran out of jobs watches for the next one before it goes back to its
 * event loop to sleep. A job posted meanwhile is taken without the thread being woken up by the
 * system (on the 2-core VM measured, a wake-up cost the caller 10-30 us, as much as a small call),
 * so calls that follow one another closely find the thread awake; the watch costs at most this
 * much processor time a job.
 */
const WATCH_MS = 0.05;

/** Returns once a job beyond the `received` ones was posted, or after WATCH_MS. */
function watchForNextJob(control: Int32Array, received: number): void {
  const until = performance.now() + WATCH_MS;
  while (Atomics.load(control, POSTED) === received) {
    if (performance.now() >= until) return;
  }
}

async function serve(
  context: ThreadContext,
  port: ThreadPort,
  handlers: Record<string, JobHandler>,
  control: Int32Array,
  data: unknown,
  message: JobMessage,
): Promise<void> {
  beginJob(control);
  const id = message['@herd/job'];
  const before = port.activeResources();
  const job: JobContext = {
    id,
    data,
    emit: (event) => port.post({ '@herd/event': id, event } satisfies EventMessage),
  };
  let reply: ReplyMessage;
  context.running = true;
  try {
    const handler = handlers[message.kind];
    if (handler === undefined)
      throw new TypeError(`this thread has no handler for jobs of kind '${message.kind}'`);
    reply = { '@herd/reply': id, ok: true, value: await handler(message.payload, job), clean: true };
  } catch (error) {
    reply = { '@herd/reply': id, ok: false, error: encodeError(error), clean: true };
  }
  context.running = false;
  endTask();
  reply.clean = sameResources(before, port.activeResources());
  if (!reply.clean) {
    // What ended with the task may let go a moment later (a wait it left pending, stopped by
    // endTask, releases its hold on the event loop in a callback; a module loader's own short
    // timer fires): one turn of the event loop, and a second look.
    await new Promise((resolve) => setTimeout(resolve, 0));
    reply.clean = sameResources(before, port.activeResources());
  }
  // A thread that left something running is terminated once it replied: let its output out first.
  if (!reply.clean) await port.flushOutput();
  try {
    port.post(reply);
  } catch (error) {
    const reason = new TypeError(
      `the result cannot be cloned back to the thread that asked for it: ${(error as Error).message}`,
      { cause: error },
    );
    port.post({
      '@herd/reply': id,
      ok: false,
      error: encodeError(reason),
      clean: reply.clean,
    } satisfies ReplyMessage);
  }
}

/**
 * Counts the job as begun. While the runtime has frozen the count, the thread waits: the runtime
 * is deciding whether to terminate it for the job it is in, and the next job must not begin here
 * (it would be lost with the thread); it goes elsewhere instead.
 */
function beginJob(control: Int32Array): void {
  for (;;) {
    const started = Atomics.load(control, STARTED);
    if (started === FROZEN) Atomics.wait(control, STARTED, FROZEN);
    else if (Atomics.compareExchange(control, STARTED, started, started + 1) === started) return;
  }
}

/** Whether a job left nothing running: no kind of resource counts more than before it. */
function sameResources(before: Map<string, number> | null, after: Map<string, number> | null): boolean {
  if (before === null || after === null) return true;
  for (const [kind, count] of after) if (count > (before.get(kind) ?? 0)) return false;
  return true;
}
