// The threads of one pool, as a client of the thread runtime (`@herd/scope/runtime`, which
// starts, watches and stops them): which thread gets a call, how the others join it when it asks
// for help, what a death or an abort does to the calls on a thread, and the pool's share of
// shared memory. This is the pool the internals run calls on; `ThreadPool` is the façade users
// hold, and each one wraps a `WorkerSet` (pool-workers.ts finds it).
import {
  type Crossing,
  type JobOutcome,
  platform,
  RuntimeThread,
  type StartOptions,
} from '@herd/scope/runtime';
import { type MemoryLease, MemorySlots } from './memory-slots.js';
import { CALL_KIND, type Job, type JobReply, type PoolThreadData } from './protocol.js';
import { workerEntry } from './worker-entry-node.js';

/** What a worker that died instead of replying leaves behind. */
export interface Death {
  type: 'died';
  threadId: number;
  /** The worker's place in the pool (0 … numThreads-1). */
  slot: number;
  exitCode: number | undefined;
  /** The uncaught error the worker reported before exiting, if any. */
  error: unknown;
  /** True when the pool's `close()` ended it. */
  closed: boolean;
}

/** A worker's reply, and which thread sent it. */
export type Reply = JobReply & { threadId: number };

export type Outcome = Reply | Death;

interface Slot {
  index: number;
  thread: RuntimeThread | null;
  /** Calls posted to this slot and not answered yet. */
  pending: number;
  /** Whether the current thread ever finished a job: a thread that never did is not restarted at once. */
  served: boolean;
}

/** One call as the pool tracks it while its workers run it. */
class Call {
  readonly outcomes: Outcome[] = [];
  /** The runtime's job id on each slot the call was posted to (for `terminateJob`). */
  readonly jobIds = new Map<Slot, number>();
  ran = 0;
  waiting = 0;
  resolved = false;
  resolve!: (outcomes: Outcome[]) => void;
  readonly result = new Promise<Outcome[]>((settle) => {
    this.resolve = settle;
  });

  constructor(
    readonly job: Job,
    readonly pieces: number,
    readonly crossings: Crossing[],
    readonly onFinished: () => void,
  ) {}
}

export class WorkerSet {
  readonly #slots: Slot[];
  readonly #memory = new MemorySlots();
  readonly #options: StartOptions;
  /** Calls still running, by job id: for the help requests and aborts of their workers. */
  readonly #calls = new Map<number, Call>();
  #closed = false;

  constructor(size: number, options: { execArgv?: string[] | undefined; env?: object | symbol | undefined }) {
    this.#options = {
      execArgv: options.execArgv,
      env: options.env,
      data: { slots: this.#memory.buffer } satisfies PoolThreadData,
    };
    this.#slots = Array.from({ length: size }, (_, index) => ({
      index,
      thread: null,
      pending: 0,
      served: false,
    }));
    for (const slot of this.#slots) this.#start(slot);
  }

  /** How many threads the pool keeps. */
  get size(): number {
    return this.#slots.length;
  }

  /** Shared memory for a call of `pieces` pieces in `regions` regions; release it once the call is over. */
  leaseMemory(pieces: number, regions: number): MemoryLease {
    return this.#memory.lease(pieces, regions);
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
    const call = new Call(job, pieces, crossings, onFinished);
    this.#calls.set(job.id, call);
    for (let given = 0; given < count; given++) {
      const slot = this.#leastBusy(call);
      if (slot === undefined) break;
      try {
        this.#give(call, slot);
      } catch (error) {
        if (call.waiting > 0) break; // the others have it; they will share its pieces
        this.#calls.delete(job.id);
        throw new TypeError(
          `could not send the call to a worker (the context of with(ctx) and the items of an array source must be structured-cloneable): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    for (const crossing of crossings) crossing.sent?.();
    return call.result;
  }

  /** The least busy slot the call was not given to yet. */
  #leastBusy(call: Call): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      if (call.jobIds.has(slot)) continue;
      if (best === undefined || slot.pending < best.pending) best = slot;
    }
    return best;
  }

  /**
   * A worker asked for help: the call goes to every slot that has not got it. The request comes
   * from a worker that has not replied yet, so the call is still running.
   */
  #help(id: number): void {
    const call = this.#calls.get(id);
    if (call === undefined || this.#closed) return;
    for (let slot = this.#leastBusy(call); slot !== undefined; slot = this.#leastBusy(call)) {
      try {
        this.#give(call, slot);
      } catch {
        // It was posted once already, so this cannot be a clone failure; a closing pool.
        return;
      }
    }
  }

  #give(call: Call, slot: Slot): void {
    const outcome = this.#post(slot, call.job, call.jobIds);
    call.waiting++;
    void outcome.then((answer) => this.#answered(call, answer));
  }

  #answered(call: Call, outcome: Outcome): void {
    // The thread is done with what crossed into it: herds take back a dead thread's leases.
    finishCrossings(call.crossings, outcome);
    call.outcomes.push(outcome);
    if (outcome.type === 'done') call.ran += outcome.ran;
    call.waiting--;
    if (!call.resolved && (call.ran >= call.pieces || call.waiting === 0)) {
      call.resolved = true;
      call.resolve(call.outcomes.slice());
    }
    if (call.waiting === 0) {
      this.#calls.delete(call.job.id);
      call.onFinished();
    }
  }

  /**
   * Terminates the workers still running job `id` (a callback that does not return after an
   * abort); they are replaced, and their part of the job settles as a death. The job's stop flag
   * is already set, so a worker that has not begun it yet returns at once when it does. Calls
   * queued behind it on a terminated worker had not begun there: they go to its replacement and
   * finish as if nothing happened.
   */
  terminateJob(id: number): void {
    const call = this.#calls.get(id);
    if (call === undefined) return;
    for (const [slot, jobId] of call.jobIds) slot.thread?.abortJob(jobId);
  }

  /** Terminates every worker; pending jobs get a `closed` death. Always settles. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.thread?.terminate()));
  }

  /**
   * Posts `job` to the slot's thread (starting one if needed). A job the thread never began
   * (it was terminated for another job) is posted again to its replacement.
   *
   * @returns the job's outcome as the pool sees it
   * @throws TypeError (DataCloneError) when the job cannot cross
   */
  #post(slot: Slot, job: Job, jobIds: Map<Slot, number>): Promise<Outcome> {
    const thread = slot.thread ?? this.#start(slot);
    const { id, outcome } = thread.run(CALL_KIND, job, (event) => {
      if (event === 'help') this.#help(job.id);
    });
    jobIds.set(slot, id);
    slot.pending++;
    return outcome.then((ended): Promise<Outcome> | Outcome => {
      slot.pending--;
      if (ended.type === 'unstarted' && !this.#closed) {
        try {
          return this.#post(slot, job, jobIds);
        } catch {
          // Posted once already, so no clone failure: the pool is closing.
        }
      }
      if (ended.type === 'reply') slot.served = true;
      return this.#toOutcome(slot, thread, ended);
    });
  }

  #toOutcome(slot: Slot, thread: RuntimeThread, ended: JobOutcome): Outcome {
    switch (ended.type) {
      case 'reply':
        if (ended.ok) {
          // The reply is this call's own object (it came by structured clone): tag it in place.
          const reply = ended.value as Reply;
          reply.threadId = thread.id;
          return reply;
        }
        // The reply itself could not cross (a result structured clone refused).
        return {
          type: 'done',
          id: -1,
          ran: 0,
          posted: [],
          failures: [{ stage: 'result', index: -1, error: ended.error }],
          threadId: thread.id,
        };
      case 'died':
        return {
          type: 'died',
          threadId: thread.id,
          slot: slot.index,
          exitCode: ended.exitCode,
          error: ended.error,
          closed: this.#closed,
        };
      case 'unstarted':
        return {
          type: 'died',
          threadId: thread.id,
          slot: slot.index,
          exitCode: undefined,
          error: undefined,
          closed: true,
        };
    }
  }

  #start(slot: Slot): RuntimeThread {
    const thread = new RuntimeThread(workerEntry, this.#options);
    slot.thread = thread;
    slot.served = false;
    void thread.exited.then(() => {
      if (slot.thread !== thread) return;
      slot.thread = null;
      // A thread that died while serving calls is replaced at once, so the next call finds it warm;
      // one that never finished a job is retried only at the next call (a broken install must not
      // respawn in a loop).
      if (!this.#closed && slot.served) this.#start(slot);
    });
    return thread;
  }
}

function finishCrossings(crossings: Crossing[], outcome: Outcome): void {
  const died = outcome.type === 'died';
  for (const crossing of crossings) {
    try {
      crossing.done?.(outcome.threadId, died);
    } catch {
      // A crossing's clean-up that throws must not take the pool down; the call has settled.
    }
  }
}

/** The default number of threads of a pool: as many as can run at once. */
export function defaultThreadCount(): number {
  return platform.availableParallelism();
}
