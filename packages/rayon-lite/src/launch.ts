// Runs a plan with a terminal: checks, cuts the pipeline's items into pieces, encodes the job,
// and hands the per-piece results to the terminal's assembly. Every `ParIter` terminal and each
// phase of `parSort` is one launch.
import { type Crossing, encodeValues } from '@herd/scope/runtime';
import type { PieceResults } from './assemble.js';
import { type CallOptions, checkCanStart, execute, signalOf } from './execute.js';
import { splitIntoPieces } from './pieces.js';
import { encodeStages, encodeTerminal, type Plan, type TerminalSpec } from './plan.js';
import { defaultWorkers } from './pool-workers.js';
import type { IterJob } from './protocol.js';
import { encodeSource } from './source.js';

/** A finished call: where its results are. */
export interface Finished {
  results: PieceResults;
  /** The shared output of a numeric collect or partition. */
  output: Float64Array | null;
}

/**
 * Runs `plan` with `terminal`, resolving with what `assemble` makes of the results, or undefined
 * without calling it when there is nothing to run (no worker involved).
 *
 * @param where - the terminal as the user knows it, for error messages
 */
export async function launch<R>(
  plan: Plan,
  terminal: TerminalSpec,
  options: CallOptions | undefined,
  where: string,
  assemble: (done: Finished) => R,
): Promise<R | undefined> {
  const signal = signalOf(options, where);
  const workers = plan.workers ?? defaultWorkers();
  checkCanStart(workers, signal);
  const { units, unitPer, stages } = encodeStages(plan);
  const split = splitIntoPieces(units, workers.size, plan);
  if (split.pieces === 0) return undefined;

  // Without flatMap a piece yields at most one item per unit, so numbers fit in place.
  const expands = plan.stages.some((s) => s.op === 'flatMap');
  const output =
    (terminal.op === 'collect' || terminal.op === 'partition') && !expands
      ? new Float64Array(new SharedArrayBuffer(units * 8))
      : null;
  let context: unknown[] | null = null;
  let crossings: Crossing[] = [];
  if (plan.context !== null) ({ wire: context, crossings } = encodeValues([plan.context.value]));
  const job: IterJob = {
    type: 'iter',
    // `execute` gives the job its id and its shared memory.
    id: 0,
    source: encodeSource(plan.source),
    length: units,
    pieces: split.pieces,
    regions: split.regions,
    stages,
    terminal: encodeTerminal(terminal, output),
    helpable: workers.size > 1 && split.pieces > 1,
    context,
    memory: null,
    slot: -1,
  };
  return execute(
    workers,
    job,
    // One worker starts; it asks the others to join once the call proves longer than a moment.
    1,
    crossings,
    signal,
    ({ memory, posted }) =>
      assemble({ results: { memory, posted, pieces: split.pieces, units, unitPer }, output }),
  );
}
