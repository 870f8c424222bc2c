import { ThreadError } from './errors.js';
import type { Crossing } from './runtime/crossing.js';
import { decodeError } from './runtime/error-codec.js';
import type { JobOutcome, RuntimeThread } from './runtime/runtime-thread.js';
import type { TaskWire } from './runtime/task-codec.js';
import type { TaskPayload } from './runtime/thread-server.js';
import { encodeValues } from './runtime/value-codec.js';
import { acquireThread, releaseThread, type ThreadOptions } from './warm-threads.js';

/** How a spawned task ended: its return value, or why it failed. */
export type ThreadOutcome = { ok: true; value: unknown } | { ok: false; error: ThreadError };

let running = 0;
/** Counts tasks as they end, so failures can be told in the order they happened. */
let endings = 0;

/**
 * How many spawned functions are running now in this process (spawned and not yet returned or
 * failed). For tests and diagnostics: after every scope settled it is 0. Idle warm threads are
 * not counted (see `idleThreads`).
 *
 * @example
 * ```ts
 * await scope((s) => { s.spawn(() => 1); });
 * liveThreads(); // 0
 * ```
 */
export function liveThreads(): number {
  return running;
}

function cloneFailure(args: unknown[], error: Error): TypeError {
  for (let i = 0; i < args.length; i++) {
    try {
      structuredClone(args[i]);
    } catch (inner) {
      return new TypeError(
        `spawn argument ${i} cannot be cloned into a thread (${(inner as Error).message}); pass plain data, ` +
          'typed arrays, SharedArrayBuffers, or crossables (a Herd, a Sender, a Receiver)',
        { cause: inner },
      );
    }
  }
  return new TypeError(`the spawn arguments cannot be cloned into a thread: ${error.message}`, {
    cause: error,
  });
}

/** One spawned task, from spawn to the moment its function returned or failed. */
export class Thread {
  readonly index: number;
  readonly threadId: number;
  /** Settles (never rejects) when the task ended: returned, threw, or its thread died. */
  readonly ended: Promise<ThreadOutcome>;
  /** When it ended, among every task of this process: failures are reported in that order. */
  endedAt = Number.POSITIVE_INFINITY;
  readonly #thread: RuntimeThread;
  /** Set once the outcome is in; the thread may then run another task, which is not ours to stop. */
  #ended = false;

  constructor(index: number, task: TaskWire, args: unknown[], options: ThreadOptions) {
    this.index = index;
    const { wire, crossings } = encodeValues(args);
    const { thread, reusable } = acquireThread(options);
    let outcome: Promise<JobOutcome>;
    try {
      ({ outcome } = thread.run('task', { task, args: wire } satisfies TaskPayload));
    } catch (error) {
      // Nothing was posted: the thread is as it was.
      releaseThread(thread, reusable);
      if ((error as Error)?.name === 'DataCloneError') throw cloneFailure(args, error as Error);
      throw error;
    }
    this.#thread = thread;
    this.threadId = thread.id;
    running++;
    for (const crossing of crossings) crossing.sent?.();
    this.ended = outcome.then((ended) => {
      this.#ended = true;
      running--;
      this.endedAt = ++endings;
      const died = ended.type !== 'reply';
      finishCrossings(crossings, thread.id, died);
      releaseThread(thread, reusable && ended.type === 'reply' && ended.clean);
      return this.#outcome(ended);
    });
  }

  /** Terminates the thread running the task, if it still runs it; `ended` then settles. */
  async terminate(): Promise<void> {
    if (!this.#ended) await this.#thread.terminate();
    await this.ended;
  }

  #outcome(ended: JobOutcome): ThreadOutcome {
    const details = { index: this.index, threadId: this.threadId };
    switch (ended.type) {
      case 'reply': {
        if (ended.ok) return { ok: true, value: ended.value };
        const cause = decodeError(ended.error);
        const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        return {
          ok: false,
          error: new ThreadError(`thread ${this.index} threw ${what}`, { ...details, cause }),
        };
      }
      case 'died': {
        const { exitCode, error, terminated } = ended;
        if (terminated) {
          return {
            ok: false,
            error: new ThreadError(`thread ${this.index} was terminated`, { ...details, exitCode }),
          };
        }
        if (error !== undefined) {
          const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          return {
            ok: false,
            error: new ThreadError(`thread ${this.index} crashed with ${what}`, {
              ...details,
              exitCode,
              cause: error,
            }),
          };
        }
        return {
          ok: false,
          error: new ThreadError(`thread ${this.index} exited with code ${exitCode} before returning`, {
            ...details,
            exitCode,
          }),
        };
      }
      case 'unstarted':
        return { ok: false, error: new ThreadError(`thread ${this.index} was terminated`, details) };
    }
  }
}

/**
 * The thread is done with what crossed into it: when it died mid-task, herds take back its leases
 * and moved channel ends it did not close get closed; otherwise it gave them back itself.
 */
function finishCrossings(crossings: Crossing[], threadId: number, died: boolean): void {
  for (const crossing of crossings) {
    try {
      crossing.done?.(threadId, died);
    } catch {
      // One crossable failing to clean up must not keep the others from doing so.
    }
  }
}
