import { type SHARE_ENV, Worker } from 'node:worker_threads';
import { ThreadError } from './errors.js';
import type { Crossing } from './runtime/crossing.js';
import { decodeError } from './runtime/error-codec.js';
import type { TaskWire } from './runtime/task-codec.js';
import { encodeValues } from './runtime/value-codec.js';
import { workerExecArgv } from './runtime/worker-exec-argv.js';
import type { ThreadData, ThreadResult } from './thread-protocol.js';

/** How a thread ended: its return value, or why it failed. */
export type ThreadOutcome = { ok: true; value: unknown } | { ok: false; error: ThreadError };

export interface ThreadOptions {
  execArgv?: string[] | undefined;
  env?: NodeJS.Dict<string> | typeof SHARE_ENV | undefined;
}

let live = 0;

/**
 * How many scope threads are running in this process (started and not yet exited). For tests and
 * diagnostics: after every scope settled it is 0.
 *
 * @example
 * ```ts
 * await scope((s) => { s.spawn(() => 1); });
 * liveThreads(); // 0
 * ```
 */
export function liveThreads(): number {
  return live;
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

/** One worker thread running one task, from spawn to exit. */
export class Thread {
  readonly index: number;
  readonly threadId: number;
  /** Settles (never rejects) when the worker exited, or was given up on after `terminate`. */
  readonly ended: Promise<ThreadOutcome>;
  #settle!: (outcome: ThreadOutcome) => void;
  #settled = false;
  #terminating = false;
  readonly #worker: Worker;
  readonly #crossings: Crossing[];

  constructor(index: number, task: TaskWire, args: unknown[], options: ThreadOptions) {
    this.index = index;
    this.ended = new Promise((resolve) => {
      this.#settle = resolve;
    });
    const { wire, crossings } = encodeValues(args);
    const workerData: ThreadData = { '@herd/scope': 1, task, args: wire };
    try {
      this.#worker = new Worker(new URL('./worker.js', import.meta.url), {
        workerData,
        execArgv: workerExecArgv(options.execArgv),
        ...(options.env ? { env: options.env } : {}),
      });
    } catch (error) {
      if ((error as Error)?.name === 'DataCloneError') throw cloneFailure(args, error as Error);
      throw error;
    }
    live++;
    this.#crossings = crossings;
    this.threadId = this.#worker.threadId;
    for (const crossing of crossings) crossing.sent?.();
    this.#listen();
  }

  #listen(): void {
    let result: ThreadResult | undefined;
    let uncaught: { error: unknown } | undefined;
    this.#worker.on('message', (message: ThreadResult) => {
      result ??= message;
    });
    this.#worker.on('error', (error) => {
      uncaught ??= { error };
    });
    this.#worker.once('exit', (code) => {
      live--;
      if (result?.ok) {
        this.#finish({ ok: true, value: result.value }, false);
      } else if (result) {
        const cause = decodeError(result.error);
        const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        this.#fail(`thread ${this.index} threw ${what}`, cause, undefined);
      } else if (this.#terminating) {
        this.#fail(`thread ${this.index} was terminated`, undefined, code, false);
      } else if (uncaught) {
        const cause = uncaught.error;
        const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
        this.#fail(`thread ${this.index} crashed with ${what}`, cause, code);
      } else {
        this.#fail(`thread ${this.index} exited with code ${code} before returning`, undefined, code, false);
      }
    });
  }

  /** `exitCode` is set when the thread stopped without posting its result: it died mid-task. */
  #fail(message: string, cause: unknown, exitCode: number | undefined, hasCause = true): void {
    const details = { index: this.index, threadId: this.threadId, exitCode };
    const error = new ThreadError(message, hasCause ? { ...details, cause } : details);
    this.#finish({ ok: false, error }, exitCode !== undefined || !hasCause);
  }

  #finish(outcome: ThreadOutcome, died: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    // The thread is done with what crossed into it: herds take back its leases, moved channel
    // ends it did not close get closed.
    for (const crossing of this.#crossings) {
      try {
        crossing.done?.(this.threadId, died);
      } catch {
        // One crossable failing to clean up must not keep the others from doing so.
      }
    }
    this.#settle(outcome);
  }

  /**
   * Terminates the worker and waits for it to exit, at most `graceMs`: a `terminate()` that hangs
   * (a native addon stuck in a call) must not hang the scope, so past the grace the thread counts
   * as ended and its crossables are released.
   */
  async terminate(graceMs: number): Promise<void> {
    if (this.#settled) return;
    this.#terminating = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    try {
      await Promise.race([this.#worker.terminate().then(() => this.ended), gaveUp]);
    } catch {
      // terminate() itself failing leaves the same choice: stop waiting for this worker.
    } finally {
      clearTimeout(timer);
    }
    this.#fail(`thread ${this.index} was terminated`, undefined, undefined, false);
  }
}
