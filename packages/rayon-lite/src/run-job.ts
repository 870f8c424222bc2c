/**
 * What a worker does with one job: revive the context, load the callbacks (cached across calls),
 * then claim pieces from the shared counter until none is left or the call stops.
 */
import { encodeError, explainError, loadTask, reviveValues, type TaskWire } from '@herd/scope/runtime';
import { compilePipeline } from './compile-pipeline.js';
import { CLAIM, jobMemory, POSTED, SHARED, STOP, stopJob } from './job-memory.js';
import type { FailureWire, IterJob, Job, JobReply, JoinJob } from './protocol.js';
import { StageFailure } from './stage-failure.js';

type Fn = (...args: any[]) => any;

/**
 * Runs one job to its end and returns the reply. Never throws: every failure is in the reply.
 *
 * @example
 * ```ts
 * parentPort.on('message', async (job) => parentPort.postMessage(await runJob(job)));
 * ```
 */
export async function runJob(job: Job): Promise<JobReply> {
  const reply: JobReply = { type: 'done', id: job.id, ran: 0, posted: [], failures: [] };
  try {
    const ctx = job.context === null ? undefined : (await reviveValues(job.context))[0];
    if (job.type === 'iter') await runIterJob(job, ctx, reply);
    else await runJoinJob(job, ctx, reply);
  } catch (error) {
    // The context did not revive or a callback did not load: the whole call fails with that error.
    stopJob(new Int32Array(job.memory, 0, 2));
    reply.failures.push({ stage: 'setup', index: -1, error: encodeError(error) });
  }
  return reply;
}

async function loadAll(wires: TaskWire[]): Promise<(wire: TaskWire) => Fn> {
  const loaded = await Promise.all(wires.map((wire) => loadTask(wire)));
  const byWire = new Map<TaskWire, Fn>();
  wires.forEach((wire, k) => byWire.set(wire, loaded[k] as Fn));
  return (wire) => byWire.get(wire)!;
}

function wiresOf(job: IterJob): TaskWire[] {
  const wires: TaskWire[] = [];
  for (const stage of job.stages) {
    if (stage.op === 'enumerate') continue;
    if (stage.op === 'mapInit' || stage.op === 'forEachInit') wires.push(stage.init);
    wires.push(stage.f);
  }
  const terminal = job.terminal;
  if ('f' in terminal) wires.push(terminal.f);
  if (terminal.op === 'reduce' && terminal.identity !== null) wires.push(terminal.identity);
  return wires;
}

async function runIterJob(job: IterJob, ctx: unknown, reply: JobReply): Promise<void> {
  const memory = jobMemory(job.pieces, job.memory);
  const control = memory.control;
  const pipeline = compilePipeline(job, await loadAll(wiresOf(job)), ctx, memory, reply.posted);
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return;
    const piece = Atomics.add(control, CLAIM, 1);
    if (piece >= job.pieces) return;
    reply.ran++;
    try {
      pipeline.runPiece(piece);
    } catch (error) {
      stopJob(control);
      reply.failures.push(failureWire(error, piece * job.pieceLength));
      return;
    }
  }
}

async function runJoinJob(job: JoinJob, ctx: unknown, reply: JobReply): Promise<void> {
  const memory = jobMemory(2, job.memory);
  const { control, states, values } = memory;
  // Both sides run to the end even when one throws; only an abort (STOP) ends the claiming.
  for (;;) {
    if (Atomics.load(control, STOP) !== 0) return;
    const side = Atomics.add(control, CLAIM, 1);
    if (side >= 2) return;
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
      reply.failures.push({ stage: side === 0 ? 'a' : 'b', index: side, error: encodeError(explainError(error, wire)) });
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
