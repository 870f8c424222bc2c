/**
 * The platform seam: the little the thread runtime needs from a platform's threads, so that one
 * runtime serves Node, Bun and Deno (`node:worker_threads`) and pages (Web Workers). Two
 * implementations stand behind it, `platform-node.ts` and `platform-web.ts`; each package build
 * links exactly one (the browser build the web one, so no `node:` import is reachable there).
 *
 * A worker entry is started by its owning package with a literal
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` so bundlers find and
 * bundle it; the seam only wraps what that returns.
 */

/**
 * What a thread is started with besides its entry.
 *
 * @example
 * ```ts
 * const options: StartOptions = { execArgv: ['--max-old-space-size=512'], data: { slots: 4 } };
 * ```
 */
export interface StartOptions {
  /** Node options for the thread (worker_threads platforms only). @defaultValue the parent's */
  execArgv?: string[] | undefined;
  /** The thread's `process.env`, or `SHARE_ENV` (worker_threads platforms only). @defaultValue a copy */
  env?: object | symbol | undefined;
  /** Structured-cloneable data the thread reads once at start (`threadData()`). */
  data?: unknown;
}

/**
 * One platform thread, seen from the thread that started it.
 *
 * @example
 * ```ts
 * const worker: PlatformWorker = platform.start(new URL('./worker.js', import.meta.url), {}, {
 *   message: (message) => console.log(message),
 *   error: (error) => console.error(error),
 *   exit: (code) => console.log('exited', code),
 * });
 * worker.post({ hello: 1 });
 * ```
 */
export interface PlatformWorker {
  /** The runtime's id of the thread (`currentThreadId()` inside it). */
  readonly id: number;
  /** Posts a message; throws what structured clone throws (`DataCloneError`). */
  post(message: unknown, transfer?: readonly object[]): void;
  /** Stops the thread; `exit` follows. */
  terminate(): void;
  /** Whether the thread keeps the process alive (no-op where nothing does, as in a page). */
  ref(): void;
  unref(): void;
}

/**
 * What a platform thread reports to the thread that started it.
 *
 * @example
 * ```ts
 * let last: unknown;
 * const events: WorkerEvents = {
 *   message: (message) => console.log(message),
 *   error: (error) => { last = error; },
 *   exit: (code) => console.log('exited', code, last),
 * };
 * ```
 */
export interface WorkerEvents {
  message(message: unknown): void;
  /** An uncaught error in the thread (it then exits, on worker_threads platforms). */
  error(error: unknown): void;
  /**
   * The thread stopped, and runs no more code: its exit code where the platform has one, else
   * `undefined`.
   */
  exit(code: number | undefined): void;
}

/**
 * How a package starts its worker entry on one platform: the owning package's literal
 * `new Worker(new URL('./worker.js', import.meta.url), …)`, in the form that platform takes.
 *
 * @example
 * ```ts
 * // worker_threads platforms: the entry's URL
 * const nodeEntry: WorkerEntry = new URL('./worker.js', import.meta.url);
 * // Web Workers: a factory bundlers can see
 * const webEntry: WorkerEntry = () => new URL('./worker.js', import.meta.url);
 * ```
 */
export type WorkerEntry = URL | (() => unknown);

/**
 * The main-side half of the seam.
 *
 * @example
 * ```ts
 * declare const events: WorkerEvents;
 * const worker = platform.start(new URL('./worker.js', import.meta.url), { data: 1 }, events);
 * ```
 */
export interface Platform {
  /** `'worker_threads'` or `'web'`: which implementation this is. */
  readonly name: 'worker_threads' | 'web';
  /** Starts `entry`. Throws a `DataCloneError` when `options.data` cannot be cloned. */
  start(entry: WorkerEntry, options: StartOptions, events: WorkerEvents): PlatformWorker;
  /** How many threads can run at once on this machine. */
  availableParallelism(): number;
  /**
   * How long a terminated thread may take to stop before it counts as stopped anyway (a terminate
   * that hangs in a native call must not hang its owner). Until then it may still run, so what it
   * holds is not taken back before `exit`.
   */
  readonly exitGraceMs: number;
}

/**
 * The thread-side half of the seam: how a worker entry talks to the thread that started it
 * (`await threadPort()`: a Web Worker learns its id from its first message).
 *
 * @example
 * ```ts
 * declare const port: ThreadPort; // what a worker entry's serveThread is given
 * port.listen((message: unknown) => port.post({ echo: message }));
 * ```
 */
export interface ThreadPort {
  /** The runtime's id of this thread. */
  readonly id: number;
  /** What the starting thread passed as `StartOptions.data`. */
  readonly data: unknown;
  post(message: unknown, transfer?: readonly object[]): void;
  listen(listener: (message: unknown) => void): void;
  /**
   * What this task left running that would outlive it (timers, sockets, pending I/O), as a
   * count by kind, or `null` where the platform cannot tell.
   */
  activeResources(): Map<string, number> | null;
  /** Waits until what the thread wrote to its console has left it (so a stop loses none). */
  flushOutput(): Promise<void>;
}
