/**
 * The threads scopes spawn on. A spawn takes an idle thread when there is one (a message, not a
 * worker boot) and starts one when none is idle; a thread whose task returned cleanly goes back
 * to the idle set, up to the machine's parallelism, and the rest are terminated. Idle threads
 * never keep the process alive.
 *
 * A thread whose task left something running (a timer, a socket), or that was asked to be fresh
 * (`execArgv`, `env`, `fresh`), runs that one task and is terminated after it.
 */
import { platform } from './runtime/platform-node.js';
import { RuntimeThread } from './runtime/runtime-thread.js';
import { workerEntry } from './worker-entry-node.js';

/**
 * What a spawn asks of its thread.
 *
 * @example
 * ```ts
 * const options: ThreadOptions = { fresh: true, execArgv: ['--max-old-space-size=256'] };
 * ```
 */
export interface ThreadOptions {
  /** A thread of its own, started for this task and ended after it. */
  fresh?: boolean | undefined;
  execArgv?: string[] | undefined;
  env?: object | symbol | undefined;
}

const idle = new Set<RuntimeThread>();

/** How many idle threads are kept warm. */
function maxIdle(): number {
  return Math.max(2, platform.availableParallelism());
}

/** Whether `options` need a thread of their own. */
function needsFresh(options: ThreadOptions): boolean {
  return options.fresh === true || options.execArgv !== undefined || options.env !== undefined;
}

/**
 * A thread to run one task on: an idle warm one, or a new one.
 *
 * @throws what the platform throws when no thread can be started
 */
export function acquireThread(options: ThreadOptions): { thread: RuntimeThread; reusable: boolean } {
  if (needsFresh(options)) {
    return {
      thread: new RuntimeThread(workerEntry, { execArgv: options.execArgv, env: options.env }),
      reusable: false,
    };
  }
  for (const thread of idle) {
    idle.delete(thread);
    if (thread.alive) return { thread, reusable: true };
  }
  const thread = new RuntimeThread(workerEntry, {});
  // An idle thread that dies (a timer it was left with threw) leaves the set at once.
  void thread.exited.then(() => idle.delete(thread));
  return { thread, reusable: true };
}

/** Gives a thread back after its task: kept warm when it may run another, else terminated. */
export function releaseThread(thread: RuntimeThread, reusable: boolean): void {
  if (reusable && thread.alive && idle.size < maxIdle()) idle.add(thread);
  else void thread.terminate();
}

/**
 * How many idle threads are kept warm for the next spawns.
 *
 * @example
 * ```ts
 * await scope((s) => { s.spawn(() => 1); });
 * idleThreads(); // 1: the thread that ran it waits for the next spawn
 * ```
 */
export function idleThreads(): number {
  return idle.size;
}

/**
 * Terminates the idle warm threads (the next spawns start new ones). Idle threads never keep a
 * process alive, so this is for tests that count threads, and for programs that want their memory
 * back after a burst of threads.
 *
 * @example
 * ```ts
 * await endIdleThreads();
 * idleThreads(); // 0
 * ```
 */
export async function endIdleThreads(): Promise<void> {
  const threads = [...idle];
  idle.clear();
  await Promise.all(threads.map((thread) => thread.terminate()));
}
