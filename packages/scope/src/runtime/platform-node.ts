/**
 * The platform seam on `node:worker_threads`: Node, Bun and Deno. The browser build links
 * `platform-web.ts` in its place.
 */
import { availableParallelism as cores } from 'node:os';
import { isMainThread, parentPort, threadId, Worker, workerData } from 'node:worker_threads';
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

/**
 * Requests in flight (a file being closed after a module loaded, a write, a DNS lookup) end by
 * themselves in a moment; what a task leaves running is the rest: timers, sockets, servers,
 * watchers, child processes.
 */
const TRANSIENT = /Req(Wrap|Callback|Promise)?$|^(WriteWrap|ShutdownWrap)$/;

/** Where a thread's start data travels in `workerData`. */
const DATA_KEY = '@herd/thread';
/** Where the name of the thread's Web Lock travels in `workerData` (see `EARLY_EXIT`). */
const LOCK_KEY = '@herd/thread-lock';

/**
 * Deno's `worker_threads` emits `exit` as soon as `terminate()` is called, while the worker runs
 * on: a thread counted as stopped could still lease herd members or take a lock after what it
 * held was taken back. There the thread holds a Web Lock while it lives, and `exit` waits for it
 * (thread-lock.ts). Node's and Bun's `exit` comes once the thread stopped.
 */
const EARLY_EXIT = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';

/**
 * The `execArgv` to start a worker with: the caller's own when given; else `undefined`, so the
 * worker inherits this process's flags as Node does (an explicit list would be checked, and
 * V8 flags such as `--expose-gc` refused); except when this process runs with `--input-type`,
 * which a worker refuses (`ERR_INPUT_TYPE_NOT_ALLOWED`, as under `node --input-type=module -e`):
 * then this process's flags without it (Node then checks them, so a V8 flag next to
 * `--input-type` makes the worker refuse to start: pass `execArgv` yourself in that case).
 */
export function workerExecArgv(execArgv?: readonly string[]): string[] | undefined {
  if (execArgv) return [...execArgv];
  const inherited = process.execArgv;
  if (!inherited.some((flag) => flag === '--input-type' || flag.startsWith('--input-type=')))
    return undefined;
  const flags: string[] = [];
  for (let i = 0; i < inherited.length; i++) {
    const flag = inherited[i]!;
    if (flag.startsWith('--input-type=')) continue;
    if (flag === '--input-type') {
      i++; // its value
      continue;
    }
    flags.push(flag);
  }
  return flags;
}

class NodeWorker implements PlatformWorker {
  readonly id: number;
  readonly #worker: Worker;

  constructor(worker: Worker) {
    this.#worker = worker;
    // Read now: a worker's threadId turns -1 once it has exited.
    this.id = worker.threadId;
  }

  post(message: unknown, transfer?: readonly object[]): void {
    this.#worker.postMessage(message, transfer as never);
  }

  terminate(): void {
    void this.#worker.terminate();
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }
}

/**
 * `node:worker_threads`: a thread's id is its `threadId`, one id space with the workers other
 * libraries start in this process, so `herd.releaseThread(worker.threadId)` names either.
 *
 * @example
 * ```ts
 * platform.name; // 'worker_threads' (the browser build's is 'web')
 * platform.availableParallelism(); // e.g. 8
 * ```
 */
export const platform: Platform = {
  name: 'worker_threads',

  start(entry: WorkerEntry, options: StartOptions, events: WorkerEvents): PlatformWorker {
    if (!(entry instanceof URL)) throw new TypeError('a worker_threads entry must be a URL');
    const lock = EARLY_EXIT ? threadLockName() : undefined;
    const worker = new Worker(entry, {
      workerData: { [DATA_KEY]: options.data, [LOCK_KEY]: lock },
      execArgv: workerExecArgv(options.execArgv),
      ...(options.env === undefined ? {} : { env: options.env as NodeJS.Dict<string> }),
    });
    worker.on('message', events.message);
    worker.on('error', events.error);
    if (lock === undefined) worker.once('exit', events.exit);
    else worker.once('exit', (code: number) => void threadStopped(lock).then(() => events.exit(code)));
    return new NodeWorker(worker);
  },

  availableParallelism: cores,

  // 'exit' comes once the thread stopped (on Deno, once its Web Lock is free); terminate() stops
  // JavaScript at once.
  exitGraceMs: 1_000,
};

/**
 * The thread side: the parent port, the start data and what the thread left running.
 *
 * @throws Error when this is not a worker thread started by the runtime
 */
export async function threadPort(): Promise<ThreadPort> {
  const port = parentPort;
  if (isMainThread || port === null) {
    throw new Error('this module is a Herd worker entry: it runs in a thread the runtime starts');
  }
  // Bun's getActiveResourcesInfo() lists nothing: count timers ourselves there.
  const listsResources =
    typeof process.getActiveResourcesInfo === 'function' && process.versions.bun === undefined;
  if (!listsResources) trackTimers();
  const data = workerData as Record<string, unknown> | null;
  // Held before the first job can begin, so a thread that runs a job holds it (see EARLY_EXIT).
  await holdThreadLock(data?.[LOCK_KEY] as string | undefined);
  return {
    id: threadId,
    data: data?.[DATA_KEY],
    post: (message, transfer) => port.postMessage(message, transfer as never),
    listen: (listener) => {
      port.on('message', listener);
    },
    activeResources: () => {
      if (!listsResources) return liveTimers();
      const counts = new Map<string, number>();
      for (const kind of process.getActiveResourcesInfo()) {
        if (!TRANSIENT.test(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
      return counts;
    },
    flushOutput: async () => {
      for (const stream of [process.stdout, process.stderr]) {
        if (stream.writableLength > 0) await new Promise((resolve) => stream.write('', resolve));
      }
    },
  };
}
