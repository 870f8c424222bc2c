/**
 * The workers of one pool: starting them, posting jobs, collecting one outcome per worker and
 * job, replacing the ones that die, and keeping the process alive only while a job is pending.
 */
import { Worker } from 'node:worker_threads';
import { type Crossing, workerExecArgv } from '@herd/scope/runtime';
import { type MemoryLease, MemorySlots } from './memory-slots.js';
import type { Job, JobReply, WorkerMessage } from './protocol.js';

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

/** A job posted to one worker and not answered yet. */
interface PendingJob {
  job: Job;
  /** Its place among the jobs posted to this worker (0, 1, …); jobs run in that order. */
  ordinal: number;
  settle: (outcome: Outcome) => void;
}

interface Slot {
  index: number;
  worker: Worker | null;
  /**
   * [0]: jobs posted to the worker, which watches this word between jobs; [1]: 1 while it is
   * awake; [2]: jobs it has started, or FROZEN (see worker.ts and `terminateJob`).
   */
  doorbell: Int32Array;
  threadId: number;
  online: boolean;
  lastError: unknown;
  /** Jobs posted to the current worker. */
  posts: number;
  /** Set when the worker was terminated for an aborted job: how many jobs it had started. */
  startedWhenKilled: number | undefined;
  pending: Map<number, PendingJob>;
  /**
   * `done(threadId)` calls of crossings whose job ended on this worker. They wait until the worker
   * is idle: a herd's `done` returns every lease the thread holds, which must not happen while a
   * later job on the same worker is using one.
   */
  doneLater: (() => void)[];
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** The doorbell word counting the jobs a worker started, and the value that stops it starting more. */
export const STARTED = 2;
export const FROZEN = -1;
const DOORBELL_BYTES = 12;

export class WorkerSet {
  readonly #slots: Slot[];
  readonly #memory = new MemorySlots();
  /** Jobs still running, by id: what to do when one of their workers asks for help. */
  readonly #helpWanted = new Map<number, () => void>();
  #closed = false;

  constructor(size: number) {
    this.#slots = Array.from({ length: size }, (_, index) => ({
      index,
      worker: null,
      doorbell: new Int32Array(new SharedArrayBuffer(DOORBELL_BYTES)),
      threadId: -1,
      online: false,
      lastError: undefined,
      posts: 0,
      startedWhenKilled: undefined,
      pending: new Map(),
      doneLater: [],
    }));
    for (const slot of this.#slots) this.#start(slot);
  }

  /** Zeroed shared memory for a call of `pieces` pieces; release it once the call is over. */
  leaseMemory(pieces: number): MemoryLease {
    return this.#memory.lease(pieces);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Posts `job` to `count` workers, the least busy first, and to the others when one of them asks
   * for help; calls each crossing's `sent()` once it is posted. Resolves with the outcomes once
   * every piece has run — a worker that replied has finished every piece it claimed, so when the
   * replies account for all `pieces` no piece is still running — or else once every worker that
   * received the job has answered (a stopped call, a death). `onFinished` runs once all of them
   * have answered: until then one may still read the job's memory.
   *
   * @throws TypeError when the job cannot be posted at all (a value structured clone refuses)
   */
  dispatch(
    job: Job,
    count: number,
    pieces: number,
    crossings: Crossing[],
    onFinished: () => void,
  ): Promise<Outcome[]> {
    const order = [...this.#slots].sort((x, y) => x.pending.size - y.pending.size);
    const given = new Set<Slot>();
    const outcomes: Outcome[] = [];
    let ran = 0;
    let waiting = 0;
    let resolved = false;
    let resolve!: (outcomes: Outcome[]) => void;
    const result = new Promise<Outcome[]>((settle) => {
      resolve = settle;
    });
    const give = (slot: Slot): void => {
      const ordinal = this.#post(slot, job);
      given.add(slot);
      waiting++;
      void this.#await(slot, job, ordinal, crossings).then((outcome) => {
        outcomes.push(outcome);
        if (outcome.type === 'done') ran += outcome.ran;
        waiting--;
        if (!resolved && (ran >= pieces || waiting === 0)) {
          resolved = true;
          resolve(outcomes.slice());
        }
        if (waiting === 0) {
          this.#helpWanted.delete(job.id);
          onFinished();
        }
      });
    };
    for (const slot of order.slice(0, count)) {
      try {
        give(slot);
      } catch (error) {
        if (waiting > 0) break; // the others have it; they will share its pieces
        throw new TypeError(
          `could not send the call to a worker (the context of with(ctx) and the items of an array source must be structured-cloneable): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    for (const crossing of crossings) crossing.sent?.();
    // A help request comes from a worker that has not replied yet, so `waiting` is above zero and
    // the entry is still here; the workers given the job now answer before onFinished runs.
    this.#helpWanted.set(job.id, () => {
      for (const slot of order) {
        if (given.has(slot)) continue;
        try {
          give(slot);
        } catch {
          // It was posted once already, so this cannot be a clone failure; a closing pool.
        }
      }
    });
    return result;
  }

  /**
   * Terminates the workers still running job `id` (a callback that does not return after an
   * abort); they are replaced, and their part of the job settles as a death. The job's stop flag
   * is already set.
   *
   * A worker runs its jobs one after another, and other calls may be queued on it. So a worker is
   * terminated only while it is inside job `id`: it is first frozen (it cannot start its next job,
   * see worker.ts), and the count of jobs it has started tells which one it is in. If that is not
   * `id`, it is let go again: `id` has either ended there, or not started, and then starts with
   * the stop flag set and returns at once. If it is `id`, the jobs queued behind it have not
   * started on it — none of their pieces was claimed there — so they are posted again to the
   * replacement and finish as if nothing happened.
   */
  terminateJob(id: number): void {
    for (const slot of this.#slots) {
      const entry = slot.pending.get(id);
      const worker = slot.worker;
      if (entry === undefined || worker === null) continue;
      const started = Atomics.exchange(slot.doorbell, STARTED, FROZEN);
      if (started === entry.ordinal + 1) {
        slot.startedWhenKilled = started;
        void worker.terminate();
      } else {
        Atomics.store(slot.doorbell, STARTED, started);
        Atomics.notify(slot.doorbell, STARTED);
      }
    }
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

  /**
   * Posts `job` to the slot's worker (starting one if needed) and rings its doorbell.
   *
   * @returns the job's ordinal on that worker
   */
  #post(slot: Slot, job: Job): number {
    (slot.worker ?? this.#start(slot)).postMessage(job);
    // An idle worker watches its doorbell, not its event loop; one that went to sleep needs a
    // notify (see worker.ts).
    Atomics.add(slot.doorbell, 0, 1);
    if (Atomics.load(slot.doorbell, 1) === 0) Atomics.notify(slot.doorbell, 0);
    return slot.posts++;
  }

  #await(slot: Slot, job: Job, ordinal: number, crossings: Crossing[]): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      slot.pending.set(job.id, {
        job,
        ordinal,
        settle: (outcome) => {
          // Read when it settles: a job posted again to a replacement ran on the new thread.
          const threadId = slot.threadId;
          for (const crossing of crossings) {
            if (crossing.done) slot.doneLater.push(() => crossing.done!(threadId, outcome.type === 'died'));
          }
          resolve(outcome);
        },
      });
      this.#holdProcess(slot);
    });
  }

  #start(slot: Slot): Worker {
    const doorbell = new Int32Array(new SharedArrayBuffer(DOORBELL_BYTES));
    const worker = new Worker(WORKER_URL, {
      execArgv: workerExecArgv(),
      workerData: { slots: this.#memory.buffer, doorbell: doorbell.buffer },
    });
    // Read now: a worker's threadId turns -1 once it has exited.
    const threadId = worker.threadId;
    slot.worker = worker;
    slot.doorbell = doorbell;
    slot.threadId = threadId;
    slot.online = false;
    slot.lastError = undefined;
    slot.posts = 0;
    slot.startedWhenKilled = undefined;
    worker.on('online', () => {
      slot.online = true;
    });
    worker.on('message', (reply: WorkerMessage) => {
      if (reply.type === 'help') {
        if (!this.#closed) this.#helpWanted.get(reply.id)?.();
        return;
      }
      const entry = slot.pending.get(reply.id);
      if (entry === undefined) return;
      slot.pending.delete(reply.id);
      entry.settle(reply);
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
      // Terminated for an aborted job: the jobs it had not started go to the replacement.
      const started = slot.startedWhenKilled;
      const again = pending.filter(
        (entry) => !this.#closed && started !== undefined && entry.ordinal >= started,
      );
      for (const entry of pending) if (!again.includes(entry)) entry.settle(death);
      this.#becameIdle(slot);
      // Replace a worker that died while running; one that never came online is retried only at
      // the next call, so a broken install does not respawn in a loop.
      if (!this.#closed && (wasOnline || again.length > 0)) this.#start(slot);
      for (const entry of again) {
        try {
          slot.pending.set(entry.job.id, { ...entry, ordinal: this.#post(slot, entry.job) });
        } catch {
          // It was posted once already, so this is no clone failure; settle it as the death.
          slot.pending.delete(entry.job.id);
          entry.settle(death);
        }
      }
      this.#holdProcess(slot);
    });
    // Last, after the 'message' listener: adding the first 'message' listener to a Worker refs its
    // MessagePort again (Node's setupPortReferencing), so an unref() made before it would leave
    // the port ref'd and the process alive until this worker's next call.
    this.#holdProcess(slot);
    return worker;
  }

  /**
   * Refs the slot's worker (its thread handle and its MessagePort) while a job is pending on it,
   * unrefs it otherwise: the pool never keeps the process alive on its own, and an awaited call
   * always finishes. Called after every change of `pending` and of `worker`; ref() and unref()
   * only set a flag, so calling it again is harmless.
   */
  #holdProcess(slot: Slot): void {
    const worker = slot.worker;
    if (worker === null) return;
    if (slot.pending.size > 0) worker.ref();
    else worker.unref();
  }

  #becameIdle(slot: Slot): void {
    this.#holdProcess(slot);
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
