/**
 * The platform seam on Web Workers (cross-origin isolated pages). The browser build links it in
 * place of `platform-node.ts`; nothing here reaches for a `node:` module.
 *
 * A Web Worker has no id, no exit code, no `unref` and no way to receive a message while its
 * code runs, so: ids come from a counter in shared memory that every thread inherits (unique
 * across nested threads); a thread's first message tells it its id and start data; `exit` is
 * reported when the runtime terminates it, or when it reports an uncaught error (a page keeps
 * such a worker running, but what it was doing is lost, so the runtime treats it as dead).
 */

import type {
  Platform,
  PlatformWorker,
  StartOptions,
  ThreadPort,
  WorkerEntry,
  WorkerEvents,
} from './platform.js';
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
  readonly #worker: WebWorker;
  readonly #events: WorkerEvents;
  #exited = false;

  constructor(worker: WebWorker, id: number, events: WorkerEvents) {
    this.#worker = worker;
    this.id = id;
    this.#events = events;
  }

  post(message: unknown, transfer?: readonly object[]): void {
    this.#worker.postMessage(message, transfer ?? []);
  }

  terminate(): void {
    this.#worker.terminate();
    this.exited();
  }

  /** Reports the exit once; the thread runs no more code after a page's `terminate()`. */
  exited(): void {
    if (this.#exited) return;
    this.#exited = true;
    queueMicrotask(() => this.#events.exit(undefined));
  }

  ref(): void {}

  unref(): void {}
}

/** Web Workers: ids from a shared counter, 1 and up (0 is the page itself). */
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
      worker.terminate();
      thread.exited();
    };
    worker.addEventListener('error', (event) =>
      failed(event.error ?? new Error(event.message ?? 'the worker failed')),
    );
    worker.addEventListener('messageerror', () =>
      failed(new TypeError('a message from the worker could not be cloned')),
    );
    worker.postMessage({ [INIT_KEY]: { id: thread.id, data: options.data, ids: ids.buffer } });
    return thread;
  },

  availableParallelism: () =>
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 4,
};

/** The thread side: waits for the first message, which says who this thread is. */
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
      resolve({
        id: init.id,
        data: init.data,
        post: (message, transfer) => scope.postMessage(message, transfer ?? []),
        listen: (listener) => {
          deliver = listener;
          for (const message of early.splice(0)) listener(message);
        },
        activeResources: liveTimers,
        flushOutput: async () => {},
      });
    });
  });
}
