/**
 * Knowing when a terminated thread really stopped, where the platform does not say: each such
 * thread holds a Web Lock of its own from before its first job for as long as it lives, and the
 * agent's locks are released only once it stopped, so the starting thread's request for that lock
 * being granted is the moment. Pages need it (a Web Worker has no exit event); so does Deno,
 * whose `worker_threads` emits `exit` as soon as `terminate()` is called, while the worker runs
 * on (measured: millions of loop turns after the event). Without Web Locks there is no such
 * moment, and the platform's `exitGraceMs` is all there is.
 */

interface LockManager {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

/** The Web Locks of this agent, where it has them (secure contexts, every isolated page, Deno). */
function locks(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}

/**
 * A lock name no other thread of this origin (in any tab) uses, or `undefined` where there are no
 * Web Locks.
 *
 * @example
 * ```ts
 * const name = threadLockName(); // "@herd/thread:<uuid>", or undefined
 * ```
 */
export function threadLockName(): string | undefined {
  const { crypto } = globalThis as { crypto?: { randomUUID?: () => string } };
  if (locks() === undefined || crypto?.randomUUID === undefined) return undefined;
  return `@herd/thread:${crypto.randomUUID()}`;
}

/**
 * In the thread: takes its lock and holds it until the thread stops; resolves once it is held
 * (at once where there is no lock to take).
 *
 * @example
 * ```ts
 * const name = threadLockName(); // sent to the thread at its start
 * await holdThreadLock(name); // in the thread, before it takes its first job
 * ```
 */
export function holdThreadLock(name: string | undefined): Promise<void> {
  const manager = locks();
  if (name === undefined || manager === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    // The callback's promise never settles: the lock goes only with the thread.
    void manager.request(name, () => {
      resolve();
      return new Promise(() => {});
    });
  });
}

/**
 * In the starting thread: resolves once the thread holding `name` has let it go — it stopped, or
 * never took it (it never began a job).
 *
 * @example
 * ```ts
 * const name = threadLockName();
 * if (name !== undefined) await threadStopped(name); // after terminating the thread that holds it
 * ```
 */
export async function threadStopped(name: string): Promise<void> {
  const manager = locks();
  if (manager === undefined) return;
  await manager.request(name, () => {}).catch(() => {});
}
