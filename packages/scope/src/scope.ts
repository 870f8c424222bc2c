import type { SHARE_ENV } from 'node:worker_threads';
import { AbortError, TimeoutError } from './errors.js';
import { JoinHandle } from './join-handle.js';
import { setLongTimeout } from './long-timeout.js';
import { encodeTask, type ModuleTask } from './runtime/task-codec.js';
import { Thread } from './thread.js';
import type { ThreadOptions } from './warm-threads.js';

/**
 * Options of `scope`.
 *
 * @example
 * ```ts
 * await scope((s) => s.spawn(() => 1), { timeout: 5_000, signal: AbortSignal.timeout(10_000), execArgv: ['--import', 'tsx'] });
 * ```
 */
export interface ScopeOptions {
  /** Aborting it terminates the scope's threads; the scope then rejects with `AbortError`. */
  signal?: AbortSignal;
  /**
   * Milliseconds after which the threads are terminated and the scope rejects with `TimeoutError`;
   * any length (past 2^31 ms it is waited out in steps).
   */
  timeout?: number;
  /**
   * Whether every spawn gets a thread of its own, started for it and ended after it, instead of a
   * warm thread that earlier tasks may have run on (whose globals they may have set).
   * @defaultValue false (`execArgv` or `env` imply true)
   */
  fresh?: boolean;
  /**
   * Node options for each thread, e.g. a loader to run TypeScript module tasks (worker_threads
   * platforms). Implies `fresh`. @defaultValue the parent's
   */
  execArgv?: string[];
  /** Each thread's `process.env`, or `SHARE_ENV` (worker_threads platforms). Implies `fresh`. @defaultValue a copy of the parent's */
  env?: NodeJS.Dict<string> | typeof SHARE_ENV;
}

/**
 * What a scope's body receives: spawn threads that end before the scope does.
 *
 * @example
 * ```ts
 * await scope((s) => {
 *   s.spawn((a: number, b: number) => a + b, 1, 2);
 *   s.spawn({ module: new URL('./work.js', import.meta.url), name: 'run' }, 'input');
 * });
 * ```
 */
export interface Scope {
  /**
   * Starts a thread running `fn(...args)`. `fn` crosses as source: it sees only its parameters
   * and globals. Arguments cross by structured clone; a Herd, a Sender, a Receiver and
   * SharedArrayBuffers cross live (channel ends move: the parent's copy is spent). The
   * function's parameters take their types from the arguments: `s.spawn((herd, tx) => …, herd, tx)`
   * types `herd` as a `Herd` and `tx` as a `Sender`.
   */
  spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): JoinHandle<Awaited<R>>;
  /** Starts a thread running the module task's export with `args`. */
  spawn<R = unknown>(task: ModuleTask, ...args: unknown[]): JoinHandle<R>;
}

function checkOptions(options: unknown): ScopeOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  const { signal, timeout, fresh, execArgv, env } = options as ScopeOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${String(signal)}`);
  }
  if (timeout !== undefined && typeof timeout !== 'number') {
    throw new TypeError(`options.timeout must be a number of milliseconds, got ${typeof timeout}`);
  }
  if (timeout !== undefined && (Number.isNaN(timeout) || timeout < 0)) {
    throw new RangeError(`options.timeout must be a number of milliseconds >= 0, got ${String(timeout)}`);
  }
  if (fresh !== undefined && typeof fresh !== 'boolean') {
    throw new TypeError(`options.fresh must be a boolean, got ${String(fresh)}`);
  }
  if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((a) => typeof a !== 'string'))) {
    throw new TypeError(`options.execArgv must be an array of strings, got ${JSON.stringify(execArgv)}`);
  }
  if (env !== undefined && (env === null || (typeof env !== 'object' && typeof env !== 'symbol'))) {
    throw new TypeError(`options.env must be an object or SHARE_ENV, got ${String(env)}`);
  }
  return options as ScopeOptions;
}

class ScopeState implements Scope {
  readonly threads: Thread[] = [];
  readonly handles: JoinHandle<unknown>[] = [];
  open = true;
  readonly #options: ThreadOptions;

  constructor(options: ThreadOptions) {
    this.#options = options;
  }

  spawn(task: ((...args: any[]) => unknown) | ModuleTask, ...args: unknown[]): JoinHandle<any> {
    if (!this.open) {
      throw new TypeError('cannot spawn: this scope has ended (spawn only while the scope body runs)');
    }
    const thread = new Thread(this.threads.length, encodeTask(task, 'fn'), args, this.#options);
    const handle = new JoinHandle<unknown>(thread);
    this.threads.push(thread);
    this.handles.push(handle);
    return handle;
  }

  /** Waits for every thread, including those spawned while waiting. */
  async allEnded(): Promise<void> {
    for (let i = 0; i < this.threads.length; i++) await this.threads[i]!.ended;
  }

  async terminateAll(): Promise<void> {
    this.open = false;
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }

  /**
   * The failures not taken through `join()`, in the order they happened: a thread's error comes
   * before the `ChannelClosedError` it caused in another.
   */
  async failures(): Promise<unknown[]> {
    const failed: { at: number; error: unknown }[] = [];
    for (let i = 0; i < this.threads.length; i++) {
      const thread = this.threads[i]!;
      const outcome = await thread.ended;
      if (!outcome.ok && !this.handles[i]!.observed)
        failed.push({ at: thread.endedAt, error: outcome.error });
    }
    return failed.sort((a, b) => a.at - b.at).map((failure) => failure.error);
  }
}

async function runBody<T>(state: ScopeState, body: (s: Scope) => T | Promise<T>): Promise<T> {
  let value: T | undefined;
  const errors: unknown[] = [];
  try {
    value = await body(state);
  } catch (error) {
    errors.push(error);
  }
  // As in Rust, the body's end is not the scope's end: every thread must be finished first.
  await state.allEnded();
  state.open = false;
  errors.push(...(await state.failures()));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} failures in the scope`);
  return value as T;
}

/**
 * Runs `body` with a scope to spawn threads in, and resolves with its result only after every
 * thread spawned in it has ended (`std::thread::scope`). If a thread failed and its error was not
 * taken through `join()`, the scope rejects after all threads ended, with that `ThreadError`
 * (several failures: an `AggregateError`). Cancelling through `signal` or `timeout` terminates the
 * threads, then rejects with `AbortError` or `TimeoutError`.
 *
 * @param body - receives the scope; may be async
 * @param options - cancellation (`signal`, `timeout`) and thread settings (`execArgv`, `env`)
 * @returns `body`'s result
 * @throws ThreadError, AggregateError, AbortError, TimeoutError, or what `body` threw
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(10);
 * await scope((s) => {
 *   s.spawn((herd, tx) => { const bump = herd.get(); tx.send(bump.allocStr('Hello')); bump.release(); tx.close(); }, herd, tx);
 *   s.spawn((herd, rx) => { for (const p of rx) console.log(herd.memory.str(p)); }, herd, rx);
 * });
 * ```
 */
export async function scope<T>(body: (s: Scope) => T | Promise<T>, options?: ScopeOptions): Promise<T> {
  if (typeof body !== 'function') throw new TypeError(`body must be a function, got ${String(body)}`);
  const { signal, timeout, fresh, execArgv, env } = checkOptions(options);
  if (signal?.aborted)
    throw new AbortError('the scope was aborted before it started', { cause: signal.reason });
  const state = new ScopeState({ fresh, execArgv, env });

  // Why the scope itself cancelled (its timeout or its signal), once it did. The body may throw a
  // TimeoutError or AbortError of its own (a `recvTimeout`, a fetch it aborted): that is an error
  // like any other, told apart from the scope's own by identity.
  let cancelReason: Error | undefined;
  let reject!: (reason: Error) => void;
  const cancelled = new Promise<never>((_, rejectCancelled) => {
    reject = rejectCancelled;
  });
  const cancel = (reason: Error) => {
    if (cancelReason !== undefined) return;
    cancelReason = reason;
    reject(reason);
  };
  const onAbort = () =>
    cancel(
      new AbortError(`the scope was aborted; its ${state.threads.length} threads were terminated`, {
        cause: signal?.reason,
      }),
    );
  signal?.addEventListener('abort', onAbort, { once: true });
  const cancelTimer =
    timeout === undefined || timeout === Number.POSITIVE_INFINITY
      ? undefined
      : setLongTimeout(() => {
          cancel(
            new TimeoutError(
              `the scope ran past its ${timeout} ms timeout; its ${state.threads.length} threads were terminated`,
            ),
          );
        }, timeout);

  const finished = runBody(state, body);
  try {
    return await Promise.race([finished, cancelled]);
  } catch (error) {
    if (cancelReason !== undefined && error === cancelReason) {
      // The body may still be awaiting a join that now fails; that is part of the cancel.
      finished.catch(() => {});
      await state.terminateAll();
    }
    throw error;
  } finally {
    cancelTimer?.();
    signal?.removeEventListener('abort', onAbort);
  }
}
