// What the herd asks about the calling thread: its id (a lease's owner), whether it is a main
// thread (where it must not block), and the running task (which gives back the members it
// leased when it ends). The thread runtime of `@herd/scope` answers under a registered symbol
// (see its runtime/thread-context.ts, the other side of this contract); a thread it did not
// start gets the platform's answers.

interface ThreadContext {
  readonly id: number;
  readonly main: boolean;
  readonly task: Map<object, () => void>;
  readonly running: boolean;
}

interface WorkerThreadsLike {
  threadId: number;
  isMainThread: boolean;
}

const THREAD_CONTEXT = Symbol.for('@herd/thread');

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

/** The calling thread's id: 0 on a main thread and in a Web Worker the runtime did not start. */
export function currentThreadId(): number {
  return context()?.id ?? workerThreads()?.threadId ?? 0;
}

/** Whether the calling thread is a main thread (Node's, or a page's). */
export function isMainThread(): boolean {
  const known = context();
  if (known !== undefined) return known.main;
  const threads = workerThreads();
  if (threads !== null) return threads.isMainThread;
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

/**
 * Has the running task give `owner` back when it ends; nothing outside a runtime thread. Between
 * two tasks of a runtime thread (a late continuation of a task that ended), at once, in a microtask.
 */
export function onTaskEnd(owner: object, end: () => void): void {
  const known = context();
  if (known === undefined) return;
  if (known.running) known.task.set(owner, end);
  else queueMicrotask(end);
}

/** `owner` ended by itself: the task need not end it. */
export function offTaskEnd(owner: object): void {
  context()?.task.delete(owner);
}
