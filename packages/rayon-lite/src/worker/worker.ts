// The worker entry of a pool's threads (dist/worker.js): they serve scope tasks like any runtime
// thread, and the pool's calls. A thread runs the calls posted to it one after another, in arrival
// order, so it never holds the state (herd leases, mapInit states) of two calls at once.
//
// With one call, a worker revives the context, loads the callbacks (cached across calls), then
// claims pieces from the shared counters until none is left or the call stops.
import { encodeError, explainError, loadTask, reviveValues, serveThread } from '@herd/scope/runtime';
import { type JobMemory, jobMemory, POSTED, SHARED, STOP, stopJob } from '../job-memory.js';
import { type MemoryRef, slotViews } from '../memory-slots.js';
import { pieceStart } from '../pieces.js';
import {
  CALL_KIND,
  type FailureWire,
  type IterJob,
  type Job,
  type JobReply,
  type JoinJob,
  type PoolThreadData,
} from '../protocol.js';
import { compilePipeline, StageFailure } from './compile-pipeline.js';
import { PieceClaims } from './piece-claims.js';
import { describePipeline } from './pipeline-code.js';

void serveThread({
  [CALL_KIND]: (payload, job) =>
    runJob(payload as Job, (job.data as PoolThreadData).slots, () => job.emit('help')),
});

type Fn = (...args: any[]) => any;

/**
 * Runs one job to its end and returns the reply. Never throws: every failure is in the reply.
 *
 * @param slots - the pool's job memories (memory-slots.ts), which the thread received at its start
 * @param askHelp - asks the pool to post the job to its other workers too
 */
async function runJob(job: Job, slots: SharedArrayBuffer, askHelp: () => void): Promise<JobReply> {
  const reply: JobReply = { type: 'done', id: job.id, ran: 0, posted: [], failures: [] };
  const memory = memoryOf(job, job.pieces, job.regions, slots);
  const control = memory.control;
  const claims = new PieceClaims(memory, job.pieces, job.regions);
  // Before any setup: a helper that arrives when the other workers have claimed every piece
  // answers at once, without reviving the context or compiling the pipeline.
  if (Atomics.load(control, STOP) !== 0 || !claims.anyLeft()) return reply;
  try {
    const ctx = job.context === null ? undefined : (await reviveValues(job.context))[0];
    if (job.type === 'iter') await runIterJob(job, memory, claims, ctx, reply, askHelp);
    else await runJoinJob(job, memory, claims, ctx, reply);
  } catch (error) {
    // The context did not revive or a callback did not load: the whole call fails with that error.
    stopJob(control);
    reply.failures.push({ stage: 'setup', index: -1, error: encodeError(error) });
  }
  return reply;
}

/**
 * How long a worker runs a call alone before it asks the others to join, when pieces are left.
 * A call is posted to one worker; a tiny one is over before this and costs one message each way.
 * A longer one gets the other workers a round trip later — as in rayon, where idle threads only
 * steal work the busy one has not reached.
 */
const HELP_AFTER_MS = 0.05;

/**
 * How much work a running piece does between two looks at the stop flag: blocks of items are
 * sized so that one lasts about this long (doubling while they are much shorter, shrinking at
 * once when one is longer), within 1 … MAX_SPAN items. A slow callback is then checked after
 * every item; a fast one pays one clock read per few thousand items.
 */
const PACE_MS = 0.05;
const MAX_SPAN = 1 << 14;

async function runIterJob(
  job: IterJob,
  memory: JobMemory,
  claims: PieceClaims,
  ctx: unknown,
  reply: JobReply,
  askHelp: () => void,
): Promise<void> {
  const control = memory.control;
  let helpAt = Number.POSITIVE_INFINITY;
  let last = 0;
  // Called between pieces: asks for help once, reports a stop.
  const stopped = (now: number): boolean => {
    if (now >= helpAt) {
      helpAt = Number.POSITIVE_INFINITY;
      if (claims.anyLeft()) askHelp();
    }
    return Atomics.load(control, STOP) !== 0;
  };
  // Called before every block of items: the same, and sizes the block from how long the work
  // since the previous block began took.
  const checkpoint = (span: number): number => {
    const now = performance.now();
    if (stopped(now)) return 0;
    const took = now - last;
    last = now;
    if (took > PACE_MS) return Math.max(1, Math.floor((span * PACE_MS) / took));
    return took < PACE_MS / 2 && span < MAX_SPAN ? span * 2 : span;
  };
  // The one walk over the job's stages and terminal: it numbers the callbacks, and the compiled
  // code calls them by those numbers.
  const pipeline = describePipeline(job);
  const fns = (await Promise.all(pipeline.callbacks.map((callback) => loadTask(callback.wire)))) as Fn[];
  const compiled = compilePipeline(job, pipeline, fns, ctx, memory, reply.posted, checkpoint);
  // The clock starts with the work, not with the set-up (reviving, loading, compiling).
  last = performance.now();
  if (job.helpable) helpAt = last + HELP_AFTER_MS;
  for (;;) {
    if (stopped(helpAt === Number.POSITIVE_INFINITY ? 0 : performance.now())) return;
    const piece = claims.next();
    if (piece < 0) return;
    reply.ran++;
    try {
      compiled.runPiece(piece);
    } catch (error) {
      stopJob(control);
      reply.failures.push(failureWire(error, pieceStart(piece, job.length, job.pieces)));
      return;
    }
  }
}

async function runJoinJob(
  job: JoinJob,
  memory: JobMemory,
  claims: PieceClaims,
  ctx: unknown,
  reply: JobReply,
): Promise<void> {
  const { control, states, values } = memory;
  // Both sides run to the end even when one throws; only an abort (STOP) ends the claiming.
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return;
    const side = claims.next();
    if (side < 0) return;
    reply.ran++;
    const wire = job.tasks[side]!;
    try {
      const f = (await loadTask(wire)) as Fn;
      const result = await f(ctx);
      if (typeof result === 'number') {
        values[side] = result;
        Atomics.store(states, side, SHARED);
      } else {
        reply.posted.push([side, result]);
        Atomics.store(states, side, POSTED);
      }
    } catch (error) {
      reply.failures.push({
        stage: side === 0 ? 'a' : 'b',
        index: side,
        error: encodeError(explainError(error, wire)),
      });
    }
  }
}

function failureWire(error: unknown, fallbackIndex: number): FailureWire {
  if (error instanceof StageFailure) {
    const explained = error.wire === null ? error.error : explainError(error.error, error.wire);
    return { stage: error.stage, index: error.index, error: encodeError(explained) };
  }
  return { stage: 'pipeline', index: fallbackIndex, error: encodeError(error) };
}

let workerSlots: SharedArrayBuffer | undefined;
let workerViews: JobMemory[] = [];

/** The memory a job message points to: a call's own buffer, or a slot (whose views are made once). */
function memoryOf(ref: MemoryRef, pieces: number, regions: number, slots: SharedArrayBuffer): JobMemory {
  if (ref.memory !== null) return jobMemory(pieces, regions, ref.memory);
  if (workerSlots !== slots) {
    workerSlots = slots;
    workerViews = slotViews(slots);
  }
  return workerViews[ref.slot]!;
}
