/**
 * The platform seam on Web Workers (cross-origin isolated pages). The browser build links it in
 * place of `platform-node.ts`; nothing here reaches for a `node:` module.
 *
 * A Web Worker has no id, no exit code, no `unref`, no exit event, and no way to receive a
 * message while its code runs, so: ids come from a counter in shared memory that every thread
 * inherits (unique across nested threads); a thread's first message tells it its id and start
 * data; a thread is ended by the runtime (terminated, or after an uncaught error: a page keeps
 * such a worker running, but what it was doing is lost, so the runtime treats it as dead).
 *
 * `terminate()` does not stop a Web Worker at once: Chromium lets a worker that is running
 * JavaScript go on for 2 s before it forces it to stop. Until then it may still write to shared
 * memory, lease herd members, send on channels, so `exit` (after which the runtime gives back what
 * the thread held) must wait until it has really stopped. Each thread holds a Web Lock of its own
 * from its first message for as long as it lives; the browser releases a stopped worker's locks,
 * so the lock being granted to the starting thread is the moment the worker stopped.
 */

import type {
  Platform,
  PlatformWorker,
  StartOptions,
  ThreadPort,
  WorkerEntry,
  WorkerEvents,
} from './platform.js';
import { holdThreadLock, threadLockName, threadStopped } from './thread-lock.js';
import { liveTimers, trackTimers } from './timer-tracking.js';

interface WebWorker {
  postMessage(message: unknown, transfer?: readonly object[]): void;
  terminate(): void;
  addEventListener(
    type: string,
    listener: (event: { data?: unknown; error?: unknown; message?: string }) => void,
  ): void;
}

interface WorkerScope {
  postMessage(message: unknown, transfer?: readonly object[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

interface InitMessage {
  id: number;
  data: unknown;
  ids: SharedArrayBuffer;
  /** The name of the Web Lock the thread holds while it lives (none where there are no Web Locks). */
  lock: string | undefined;
}

/** The first message of a thread: who it is and what it starts with. */
const INIT_KEY = '@herd/init';
/** The counter of thread ids, shared by every thread started from this page. */
const IDS = Symbol.for('@herd/thread-ids');

function idCounter(): Int32Array {
  const global = globalThis as unknown as Record<symbol, Int32Array | undefined>;
  let ids = global[IDS];
  if (ids === undefined) {
    ids = new Int32Array(new SharedArrayBuffer(4));
    Object.defineProperty(globalThis, IDS, { value: ids });
  }
  return ids;
}

class WebThread implements PlatformWorker {
  readonly id: number;
  readonly lock: string | undefined;
  readonly #worker: WebWorker;
  readonly #events: WorkerEvents;
  #stopping = false;

  constructor(worker: WebWorker, id: number, events: WorkerEvents) {
    this.#worker = worker;
    this.id = id;
    this.lock = threadLockName();
    this.#events = events;
  }

  post(message: unknown, transfer?: readonly object[]): void {
    this.#worker.postMessage(message, transfer ?? []);
  }

  /** Stops the worker; `exit` follows once it runs no more code. */
  terminate(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#worker.terminate();
    if (this.lock === undefined) {
      // No Web Locks: nothing tells when the worker stopped.
      queueMicrotask(() => this.#events.exit(undefined));
      return;
    }
    // Granted once the worker let go of its lock: it stopped (or it never took it: it never
    // began a job). Until then, a worker that was busy may run on (2 s in Chromium).
    void threadStopped(this.lock).then(() => this.#events.exit(undefined));
  }

  ref(): void {}

  unref(): void {}
}

/**
 * Web Workers: ids from a shared counter, 1 and up (0 is the page itself).
 *
 * @example
 * ```ts
 * platform.name; // 'web'
 * ```
 */
export const platform: Platform = {
  name: 'web',

  start(entry: WorkerEntry, options: StartOptions, events: WorkerEvents): PlatformWorker {
    if (entry instanceof URL) throw new TypeError('a Web Worker entry must be a function that starts it');
    const worker = entry() as WebWorker;
    const ids = idCounter();
    const thread = new WebThread(worker, Atomics.add(ids, 0, 1) + 1, events);
    worker.addEventListener('message', (event) => events.message(event.data));
    const failed = (error: unknown) => {
      events.error(error);
      thread.terminate();
    };
    worker.addEventListener('error', (event) =>
      failed(event.error ?? new Error(event.message ?? 'the worker failed')),
    );
    worker.addEventListener('messageerror', () =>
      failed(new TypeError('a message from the worker could not be cloned')),
    );
    const init: InitMessage = {
      id: thread.id,
      data: options.data,
      ids: ids.buffer as SharedArrayBuffer,
      lock: thread.lock,
    };
    worker.postMessage({ [INIT_KEY]: init });
    return thread;
  },

  availableParallelism: () =>
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4,

  // Chromium forces a busy worker to stop 2 s after terminate(); a loaded machine adds to that.
  exitGraceMs: 5_000,
};

/**
 * The thread side: waits for the first message, which says who this thread is, and takes the
 * thread's Web Lock before the first job can begin (so a worker that runs a job holds it).
 */
export function threadPort(): Promise<ThreadPort> {
  const scope = globalThis as unknown as WorkerScope;
  // Messages that come before the entry listens are kept, in order.
  const early: unknown[] = [];
  let deliver: ((message: unknown) => void) | undefined;
  return new Promise((resolve) => {
    scope.addEventListener('message', (event) => {
      const init = (event.data as Record<string, InitMessage | undefined> | null)?.[INIT_KEY];
      if (init === undefined) {
        if (deliver === undefined) early.push(event.data);
        else deliver(event.data);
        return;
      }
      Object.defineProperty(globalThis, IDS, { value: new Int32Array(init.ids) });
      trackTimers();
      const port: ThreadPort = {
        id: init.id,
        data: init.data,
        post: (message, transfer) => scope.postMessage(message, transfer ?? []),
        listen: (listener) => {
          deliver = listener;
          for (const message of early.splice(0)) listener(message);
        },
        activeResources: liveTimers,
        flushOutput: async () => {},
      };
      void holdThreadLock(init.lock).then(() => resolve(port));
    });
  });
}
