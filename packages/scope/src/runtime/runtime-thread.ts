/**
 * One thread of the runtime, seen from the thread that started it: posting jobs, collecting one
 * outcome per job, telling a death from a reply, stopping one job, and terminating. Every thread
 * of every Herd package (scope's warm threads, a pool's workers) is one of these; the packages
 * decide which jobs go where.
 */
import type { ErrorWire } from './error-codec.js';
import {
  CONTROL_BYTES,
  FROZEN,
  isEvent,
  isReply,
  type JobMessage,
  POSTED,
  type ReplyMessage,
  STARTED,
  type ThreadStart,
} from './job-protocol.js';
import type { PlatformWorker, StartOptions, WorkerEntry } from './platform.js';
import { platform } from './platform-node.js';

/**
 * How a job ended: with its handler's reply; with the thread's death while it ran (or before it
 * could start it, when the thread was terminated for another job: `unstarted`, safe to run
 * elsewhere, as it never began).
 *
 * @example
 * ```ts
 * const thread = new RuntimeThread(new URL('./worker.js', import.meta.url), {});
 * const outcome: JobOutcome = await thread.run('task', { task: encodeTask(() => 42, 'task'), args: [] }).outcome;
 * if (outcome.type === 'reply' && outcome.ok) console.log(outcome.value);
 * ```
 */
export type JobOutcome =
  | { type: 'reply'; ok: true; value: unknown; clean: boolean }
  | { type: 'reply'; ok: false; error: ErrorWire; clean: boolean }
  | ThreadDeath
  | { type: 'unstarted' };

/**
 * A thread that stopped while it had a job to run.
 *
 * @example
 * ```ts
 * declare const thread: RuntimeThread;
 * const { outcome } = thread.run('task', { task: encodeTask(() => process.exit(3), 'task'), args: [] });
 * const death = await outcome;
 * if (death.type === 'died') console.log(death.exitCode, death.terminated); // 3 false
 * ```
 */
export interface ThreadDeath {
  type: 'died';
  /** The thread's exit code, where the platform has one. */
  exitCode: number | undefined;
  /** The uncaught error it reported before it stopped, if any. */
  error: unknown;
  /** Whether the runtime terminated it (a cancel, a close) rather than it dying by itself. */
  terminated: boolean;
}

interface Pending {
  id: number;
  /** Its place among the jobs posted to this thread (0, 1, …); jobs begin in that order. */
  ordinal: number;
  settle(outcome: JobOutcome): void;
  onEvent: ((event: unknown) => void) | undefined;
}

let lastJobId = 0;

/**
 * A thread the runtime started.
 *
 * @example
 * ```ts
 * const thread = new RuntimeThread(new URL('./worker.js', import.meta.url), {});
 * const { outcome } = thread.run('task', { task: encodeTask((a: number, b: number) => a + b, 'task'), args: [1, 2] });
 * console.log(await outcome);
 * await thread.terminate();
 * ```
 */
export class RuntimeThread {
  readonly id: number;
  /** Settles when the thread has stopped (with its death, as the last job would see it). */
  readonly exited: Promise<ThreadDeath>;
  readonly #worker: PlatformWorker;
  readonly #control: Int32Array;
  readonly #pending = new Map<number, Pending>();
  #posts = 0;
  /** Set while the runtime terminates the thread; jobs the thread had not begun are `unstarted`. */
  #terminating = false;
  #startedWhenKilled: number | undefined;
  #lastError: unknown;
  #alive = true;
  #onExit!: (death: ThreadDeath) => void;

  /**
   * Starts a thread on `entry` (a package's worker entry, which calls `serveThread`).
   *
   * @throws what the platform throws when the thread cannot start or `options.data` cannot be cloned
   */
  constructor(entry: WorkerEntry, options: StartOptions) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.#control = new Int32Array(control);
    this.exited = new Promise((resolve) => {
      this.#onExit = resolve;
    });
    const start: ThreadStart = { control, data: options.data };
    this.#worker = platform.start(
      entry,
      { ...options, data: start },
      {
        message: (message) => this.#receive(message),
        error: (error) => {
          this.#lastError = error;
        },
        exit: (code) => this.#exit(code),
      },
    );
    this.id = this.#worker.id;
    this.#worker.unref();
  }

  /** Whether the thread still runs. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Jobs posted and not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Posts a job for the thread's handler `kind`; it begins once the jobs before it ended.
   *
   * @param onEvent - receives what the running job posts with `emit`
   * @returns the job's id and its outcome (never rejects)
   * @throws what structured clone throws when `payload` cannot cross (nothing was posted then)
   */
  run(
    kind: string,
    payload: unknown,
    onEvent?: (event: unknown) => void,
    transfer?: readonly object[],
  ): { id: number; outcome: Promise<JobOutcome> } {
    if (!this.#alive || this.#terminating) {
      return { id: 0, outcome: Promise.resolve({ type: 'unstarted' }) };
    }
    lastJobId = lastJobId >= Number.MAX_SAFE_INTEGER ? 1 : lastJobId + 1;
    const id = lastJobId;
    const message: JobMessage = { '@herd/job': id, kind, payload };
    this.#worker.post(message, transfer);
    Atomics.add(this.#control, POSTED, 1);
    let settle!: (outcome: JobOutcome) => void;
    const outcome = new Promise<JobOutcome>((resolve) => {
      settle = resolve;
    });
    this.#pending.set(id, { id, ordinal: this.#posts++, settle, onEvent });
    this.#holdProcess();
    return { id, outcome };
  }

  /**
   * Stops job `id` by terminating the thread, but only while the thread is inside that job: a
   * job that already ended, or has not begun, is left alone (it then sees whatever stop flag its
   * owner set, and returns at once). Jobs queued behind it settle as `unstarted`.
   *
   * The thread is first frozen (it cannot begin its next job while frozen), then the count of
   * jobs it began tells which one it is in.
   *
   * @returns whether the thread was terminated
   */
  abortJob(id: number): boolean {
    const entry = this.#pending.get(id);
    if (entry === undefined || !this.#alive) return false;
    const started = Atomics.exchange(this.#control, STARTED, FROZEN);
    if (started === entry.ordinal + 1) {
      this.#startedWhenKilled = started;
      void this.terminate();
      return true;
    }
    Atomics.store(this.#control, STARTED, started);
    Atomics.notify(this.#control, STARTED);
    return false;
  }

  /**
   * Terminates the thread and waits until it stopped (at most the platform's grace period: a
   * terminate that hangs, in a native call, must not hang its owner). Jobs still pending settle as
   * its death.
   */
  async terminate(): Promise<void> {
    if (this.#alive && !this.#terminating) {
      this.#terminating = true;
      // Held while it stops: an awaited close must not find the process exiting under it.
      this.#worker.ref();
      this.#worker.terminate();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, platform.exitGraceMs);
    });
    await Promise.race([this.exited, gaveUp]);
    clearTimeout(timer);
    if (this.#alive) this.#exit(undefined);
  }

  #receive(message: unknown): void {
    if (isEvent(message)) {
      this.#pending.get(message['@herd/event'])?.onEvent?.(message.event);
      return;
    }
    if (!isReply(message)) return;
    const entry = this.#pending.get(message['@herd/reply']);
    if (entry === undefined) return;
    this.#pending.delete(entry.id);
    this.#holdProcess();
    entry.settle(toOutcome(message));
  }

  #exit(code: number | undefined): void {
    if (!this.#alive) return;
    this.#alive = false;
    const death: ThreadDeath = {
      type: 'died',
      exitCode: code,
      error: this.#lastError,
      terminated: this.#terminating,
    };
    const started = this.#startedWhenKilled;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) {
      // Terminated for one job: the jobs behind it never began.
      entry.settle(started !== undefined && entry.ordinal >= started ? { type: 'unstarted' } : death);
    }
    this.#onExit(death);
  }

  /** The thread keeps the process alive exactly while it has a job pending (or is stopping). */
  #holdProcess(): void {
    if (!this.#alive) return;
    if (this.#pending.size > 0 || this.#terminating) this.#worker.ref();
    else this.#worker.unref();
  }
}

function toOutcome(message: ReplyMessage): JobOutcome {
  return message.ok
    ? { type: 'reply', ok: true, value: message.value, clean: message.clean }
    : { type: 'reply', ok: false, error: message.error, clean: message.clean };
}
