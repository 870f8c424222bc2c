/**
 * What every Herd package may ask about the thread it runs in: its id, whether it is a main
 * thread, and the resources the running task holds. The thread runtime installs the answers in
 * each thread it starts, under a registered symbol; every Herd package bundles this file, so each
 * reads the same answers whichever bundle it runs from. A thread the runtime did not start (the
 * main thread, a worker of another library) gets the platform's answers.
 *
 * ```
 * globalThis[Symbol.for('@herd/thread')] = { id, main: false, task: Map<owner, end>, running }
 * ```
 */

/**
 * The registered symbol under which the runtime describes a thread it started.
 *
 * @example
 * ```ts
 * const context = (globalThis as Record<symbol, unknown>)[THREAD_CONTEXT]; // undefined on a main thread
 * ```
 */
export const THREAD_CONTEXT: unique symbol = Symbol.for('@herd/thread') as any;

/**
 * A thread the runtime started, as it describes itself.
 *
 * @example
 * ```ts
 * const context: ThreadContext = { id: 3, main: false, task: new Map(), running: false };
 * ```
 */
export interface ThreadContext {
  /** The thread's id: what a herd records as a lease's owner and `herd.releaseThread` takes. */
  readonly id: number;
  /** Whether this is a main thread (where blocking waits are refused). */
  readonly main: boolean;
  /**
   * What the running task holds and must give back when it ends, by owner: channel ends it did
   * not close, herd members it did not release. The runtime calls each `end` once the task
   * returned or threw, so nothing a task leased outlives it (as Rust drops a thread's values).
   */
  readonly task: Map<object, () => void>;
  /**
   * Whether a task is running. What registers between two tasks (an async continuation of a
   * task that already ended, a timer it left) belongs to no running task, and is ended at once.
   */
  running: boolean;
}

interface WorkerThreadsLike {
  threadId: number;
  isMainThread: boolean;
}

function context(): ThreadContext | undefined {
  return (globalThis as unknown as Record<symbol, ThreadContext | undefined>)[THREAD_CONTEXT];
}

let platform: WorkerThreadsLike | null | undefined;

/** Node, Bun and Deno answer through `worker_threads`, reached without an import a bundler follows. */
function workerThreads(): WorkerThreadsLike | null {
  if (platform === undefined) {
    const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process?.getBuiltinModule;
    platform = (getBuiltinModule?.('node:worker_threads') as WorkerThreadsLike | undefined) ?? null;
  }
  return platform;
}

/**
 * This thread's id: the runtime's for threads it started; the platform's `threadId` for others
 * (0 on a main thread); 0 where the platform has none (a Web Worker of another library).
 *
 * @example
 * ```ts
 * currentThreadId(); // 0 on the main thread
 * ```
 */
export function currentThreadId(): number {
  return context()?.id ?? workerThreads()?.threadId ?? 0;
}

/**
 * Whether this is a main thread: Node's, or a page's (a window, not a worker). Blocking waits
 * (`Atomics.wait`) are refused there: a page forbids them, and in Node they stall the event loop
 * that the waited-for thread may need.
 *
 * @example
 * ```ts
 * if (isMainThread()) await rx.recvAsync(); else rx.recv();
 * ```
 */
export function isMainThread(): boolean {
  const known = context();
  if (known !== undefined) return known.main;
  const threads = workerThreads();
  if (threads !== null) return threads.isMainThread;
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

/**
 * Registers what `owner` must do when the running task ends; a no-op outside a runtime thread
 * (the main thread, a worker of another library), where nothing ends for it. In a runtime thread
 * between two tasks (the continuation of a task that already ended), `end` runs in a microtask:
 * what a finished task starts late is ended as if it had started in time.
 *
 * @example
 * ```ts
 * const connection = { close() {} };
 * onTaskEnd(connection, () => connection.close()); // closed when this thread's task ends
 * ```
 */
export function onTaskEnd(owner: object, end: () => void): void {
  const known = context();
  if (known === undefined) return;
  if (known.running) known.task.set(owner, end);
  else queueMicrotask(end);
}

/**
 * Forgets `owner`'s registration: it ended by itself, or moved to another thread.
 *
 * @example
 * ```ts
 * declare const connection: { close(): void };
 * offTaskEnd(connection); // closed by hand: nothing left to do at the task's end
 * ```
 */
export function offTaskEnd(owner: object): void {
  context()?.task.delete(owner);
}

/**
 * Ends everything the finished task still holds; returns how many. Called by the runtime.
 *
 * @example
 * ```ts
 * declare const wire: TaskWire, args: unknown[];
 * const result = await (await loadTask(wire))(...args);
 * endTask(); // what the task left open is closed now
 * ```
 */
export function endTask(): number {
  const task = context()?.task;
  if (task === undefined || task.size === 0) return 0;
  const ends = [...task.values()];
  task.clear();
  for (const end of ends) {
    try {
      end();
    } catch {
      // Best effort: one resource failing to end must not keep the others.
    }
  }
  return ends.length;
}
