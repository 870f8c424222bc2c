/**
 * The workers of one pool: starting them, posting jobs, collecting one outcome per worker and
 * job, replacing the ones that die, and keeping the process alive only while a job is pending.
 */
import { Worker } from 'node:worker_threads';
import type { Crossing } from '@herd/scope/runtime';
import type { Job, JobReply } from './protocol.js';

/** What a worker that died instead of replying leaves behind. */
export interface Death {
  type: 'died';
  threadId: number;
  /** The worker's place in the pool (0 … numThreads-1). */
  slot: number;
  exitCode: number;
  /** The uncaught error the worker reported before exiting, if any. */
  error: unknown;
  /** True when the pool's `close()` ended it. */
  closed: boolean;
}

export type Outcome = JobReply | Death;

interface Slot {
  index: number;
  worker: Worker | null;
  threadId: number;
  online: boolean;
  lastError: unknown;
  pending: Map<number, (outcome: Outcome) => void>;
  /**
   * `done(threadId)` calls of crossings whose job ended on this worker. They wait until the worker
   * is idle: a herd's `done` returns every lease the thread holds, which must not happen while a
   * later job on the same worker is using one.
   */
  doneLater: (() => void)[];
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class WorkerSet {
  readonly #slots: Slot[];
  #closed = false;

  constructor(size: number) {
    this.#slots = Array.from({ length: size }, (_, index) => ({
      index,
      worker: null,
      threadId: -1,
      online: false,
      lastError: undefined,
      pending: new Map(),
      doneLater: [],
    }));
    for (const slot of this.#slots) this.#start(slot);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Threads currently alive (started and not exited). */
  get live(): number {
    return this.#slots.filter((slot) => slot.worker !== null).length;
  }

  /**
   * Posts `job` to `count` workers, the least busy first, and calls each crossing's `sent()` once
   * it is posted. Resolves with the outcomes once every piece has run — a worker that replied has
   * finished every piece it claimed, so when the replies account for all `pieces` no piece is
   * still running and a worker that was busy elsewhere need not be waited for — or else once
   * every worker has answered (a stopped call, a death).
   *
   * @throws TypeError when the job cannot be posted at all (a value structured clone refuses)
   */
  dispatch(job: Job, count: number, pieces: number, crossings: Crossing[]): Promise<Outcome[]> {
    const chosen = [...this.#slots].sort((x, y) => x.pending.size - y.pending.size).slice(0, count);
    const waits: Promise<Outcome>[] = [];
    for (const slot of chosen) {
      const worker = slot.worker ?? this.#start(slot);
      try {
        worker.postMessage(job);
      } catch (error) {
        if (waits.length > 0) break; // the others have it; they will share its pieces
        throw new TypeError(
          `could not send the call to a worker (the context of with(ctx) and the items of an array source must be structured-cloneable): ${(error as Error).message}`,
          { cause: error },
        );
      }
      waits.push(this.#await(slot, job.id, crossings));
    }
    for (const crossing of crossings) crossing.sent?.();
    return new Promise((resolve) => {
      const outcomes: Outcome[] = [];
      let ran = 0;
      for (const wait of waits) {
        void wait.then((outcome) => {
          outcomes.push(outcome);
          if (outcome.type === 'done') ran += outcome.ran;
          if (ran >= pieces || outcomes.length === waits.length) resolve(outcomes.slice());
        });
      }
    });
  }

  /** Terminates every worker; pending jobs get a `closed` death. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        const worker = slot.worker;
        if (worker !== null) await worker.terminate();
      }),
    );
  }

  #await(slot: Slot, id: number, crossings: Crossing[]): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      if (slot.pending.size === 0) slot.worker?.ref();
      slot.pending.set(id, (outcome) => {
        const threadId = slot.threadId;
        for (const crossing of crossings) {
          if (crossing.done) slot.doneLater.push(() => crossing.done!(threadId));
        }
        resolve(outcome);
      });
    });
  }

  #start(slot: Slot): Worker {
    const worker = new Worker(WORKER_URL);
    // Read now: a worker's threadId turns -1 once it has exited.
    const threadId = worker.threadId;
    slot.worker = worker;
    slot.threadId = threadId;
    slot.online = false;
    slot.lastError = undefined;
    worker.unref();
    worker.on('online', () => {
      slot.online = true;
    });
    worker.on('message', (reply: JobReply) => {
      const settle = slot.pending.get(reply.id);
      if (settle === undefined) return;
      slot.pending.delete(reply.id);
      settle(reply);
      if (slot.pending.size === 0) this.#becameIdle(slot);
    });
    worker.on('error', (error) => {
      slot.lastError = error;
    });
    worker.on('exit', (exitCode) => {
      if (slot.worker !== worker) return;
      const wasOnline = slot.online;
      slot.worker = null;
      const death: Death = {
        type: 'died',
        threadId,
        slot: slot.index,
        exitCode,
        error: slot.lastError,
        closed: this.#closed,
      };
      const pending = [...slot.pending.values()];
      slot.pending.clear();
      for (const settle of pending) settle(death);
      this.#becameIdle(slot);
      // Replace a worker that died while running; one that never came online is retried only at
      // the next call, so a broken install does not respawn in a loop.
      if (!this.#closed && wasOnline) this.#start(slot);
    });
    return worker;
  }

  #becameIdle(slot: Slot): void {
    slot.worker?.unref();
    const calls = slot.doneLater;
    slot.doneLater = [];
    for (const call of calls) {
      try {
        call();
      } catch {
        // A crossing's clean-up that throws must not take the pool down; the call has settled.
      }
    }
  }
}
