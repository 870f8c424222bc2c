// One `join(a, b)` call as a job: pieces 0 and 1 are `a` and `b`, run by up to two workers; each
// result comes back through the call's shared memory when it is a number, else in the reply.
import { type Crossing, encodeTask, encodeValues, type TaskWire } from '@herd/scope/runtime';
import { checkContext } from './check-context.js';
import { type CallOptions, execute, signalOf } from './execute.js';
import { POSTED, SHARED } from './job-memory.js';
import type { JoinJob } from './protocol.js';
import { checkTask, type Task } from './task.js';
import type { WorkerSet } from './worker-set.js';

/**
 * Checks the arguments of a join, then runs it on the workers `pickWorkers()` gives — asked after
 * the arguments' checks, so a bad callback is reported before a bad pool.
 *
 * @throws TypeError at once for a bad callback, context or option; the call's error otherwise
 */
export async function runJoin<A, B, C>(
  a: Task<(ctx: C) => A | Promise<A>>,
  b: Task<(ctx: C) => B | Promise<B>>,
  ctx: C | undefined,
  options: CallOptions,
  pickWorkers: () => WorkerSet,
): Promise<[A, B]> {
  checkTask(a, 'join(a)');
  checkTask(b, 'join(b)');
  checkContext(ctx, 'join(ctx)');
  const signal = signalOf(options, 'join');
  const workers = pickWorkers();
  let context: unknown[] | null = null;
  let crossings: Crossing[] = [];
  if (ctx !== undefined) ({ wire: context, crossings } = encodeValues([ctx]));
  const tasks: [TaskWire, TaskWire] = [encodeTask(a, 'join(a)'), encodeTask(b, 'join(b)')];
  const regions = Math.min(2, workers.size);
  // `execute` gives the job its id and its memory.
  const job: JoinJob = { type: 'join', id: 0, pieces: 2, regions, tasks, context, memory: null, slot: -1 };
  return execute(workers, job, regions, crossings, signal, ({ memory, posted }) => {
    const side = (k: number): unknown => {
      const state = Atomics.load(memory.states, k);
      if (state === SHARED) return memory.values[k];
      return state === POSTED ? posted.get(k) : undefined;
    };
    return [side(0) as A, side(1) as B];
  });
}
