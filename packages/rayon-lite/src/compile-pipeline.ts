/**
 * The worker side of a parallel iterator: turns the pipeline description into the source of one
 * function that runs a piece — the loop over the piece with every stage and the terminal written
 * inline — and compiles it once per worker and pipeline. Inline code keeps a stage's value and
 * the terminal's accumulator in registers and lets V8 inline the user's callbacks; a chain of
 * closures costs ~15 ns an item instead.
 */
import type { TaskWire } from '@herd/scope/runtime';
import { describeValue } from './describe-value.js';
import { disposeState } from './dispose-state.js';
import { FOUND, type JobMemory, POSTED, SHARED, stopJob } from './job-memory.js';
import type { IterJob, TerminalWire } from './protocol.js';
import { fromSharedView } from './shared-view.js';
import { HALT, StageFailure } from './stage-failure.js';

type Fn = (...args: any[]) => any;

/** Looks up the function a task wire was loaded into. */
export type TaskLookup = (wire: TaskWire) => Fn;

/** A compiled pipeline: runs one piece, throwing a `StageFailure` when a callback throws. */
export interface CompiledPipeline {
  runPiece(piece: number): void;
}

/** What the generated code reads from its closure. */
interface Env {
  fns: Fn[];
  wires: TaskWire[];
  ctx: unknown;
  control: Int32Array;
  checkpoint: Checkpoint;
  output: Float64Array | null;
  source: ArrayLike<unknown> | null;
  start: number;
  length: number;
  pieces: number;
  Failure: typeof StageFailure;
  HALT: symbol;
  toArray: (value: unknown) => ArrayLike<unknown>;
  disposeState: (state: unknown) => void;
  keep: (piece: number, value: unknown) => void;
  keepCollected: (piece: number, count: number, list: unknown[] | null) => void;
  found: (piece: number, value: unknown) => void;
  cloneIdentity: () => unknown;
  notNumber: (value: unknown) => TypeError;
}

/**
 * Called by a running piece before each block of items (stop flag, help request): given the
 * block's length so far, returns the next one, or 0 when the call must stop. The call sits in an
 * outer loop over blocks — an Atomics.load inside the item loop cost ~9% on a heavy map — and the
 * checkpoint sizes the blocks by time (see run-job.ts), so a slow callback is checked after
 * every item or few, and a fast one every few thousand.
 */
export type Checkpoint = (span: number) => number;

/** Compiled factories by pipeline; bounded so a program making endless distinct callbacks does not grow. */
const factories = new Map<string, (env: Env) => (piece: number) => void>();
const MAX_FACTORIES = 256;

/**
 * Builds the piece runner for one call in one worker.
 *
 * @param job - the call
 * @param lookup - the loaded callbacks
 * @param ctx - the revived context, passed as every callback's last argument
 * @param memory - the call's shared memory
 * @param posted - receives the results that cannot travel through shared memory
 * @param checkpoint - called before every block of items; sizes the next block, 0 to stop
 */
export function compilePipeline(
  job: IterJob,
  lookup: TaskLookup,
  ctx: unknown,
  memory: JobMemory,
  posted: [number, unknown][],
  checkpoint: Checkpoint,
): CompiledPipeline {
  // The callbacks are part of the key: one compiled loop per pipeline keeps its call sites
  // monomorphic, so V8 inlines the callbacks.
  const key = pipelineKey(job);
  let compiled = factories.get(key);
  if (compiled === undefined) {
    if (factories.size >= MAX_FACTORIES) factories.clear();
    compiled = new Function('env', generate(job)) as (env: Env) => (piece: number) => void;
    factories.set(key, compiled);
  }
  const factory = compiled;
  const wires = orderedWires(job);
  const { control, states, values } = memory;
  const keep = (piece: number, value: unknown): void => {
    if (typeof value === 'number') {
      values[piece] = value;
      Atomics.store(states, piece, SHARED);
    } else {
      posted.push([piece, value]);
      Atomics.store(states, piece, POSTED);
    }
  };
  const terminal = job.terminal;
  const identityValue = terminal.op === 'reduce' ? terminal.identityValue : undefined;
  const runPiece = factory({
    fns: wires.map((wire) => lookup(wire)),
    wires,
    ctx,
    control,
    checkpoint,
    output:
      terminal.op === 'collect' && terminal.output !== null
        ? (fromSharedView(terminal.output) as Float64Array)
        : null,
    source:
      job.source.kind === 'range'
        ? null
        : job.source.kind === 'shared'
          ? fromSharedView(job.source.view)
          : job.source.array,
    start: job.source.kind === 'range' ? job.source.start : 0,
    length: job.length,
    pieces: job.pieces,
    Failure: StageFailure,
    HALT,
    toArray,
    disposeState,
    keep,
    keepCollected: (piece, count, list) => {
      if (list === null) {
        values[piece] = count;
        Atomics.store(states, piece, SHARED);
      } else {
        posted.push([piece, list]);
        Atomics.store(states, piece, POSTED);
      }
    },
    found: (piece, value) => {
      if (Atomics.compareExchange(control, FOUND, 0, 1) === 0 && terminal.op === 'findAny')
        keep(piece, value);
      stopJob(control);
    },
    cloneIdentity: () =>
      typeof identityValue === 'object' && identityValue !== null
        ? structuredClone(identityValue)
        : identityValue,
    notNumber: (value) => new TypeError(`sum: item is not a number: ${describeValue(value)}`),
  });
  return { runPiece };
}

/** What makes two calls share compiled code: the source kind, the stages and their callbacks, the terminal. */
function pipelineKey(job: IterJob): string {
  let key = `${job.source.kind}|${job.terminal.op}`;
  const terminal = job.terminal;
  if ('f' in terminal) key += `|${wireKey(terminal.f)}`;
  if (terminal.op === 'reduce') key += `|${terminal.identity === null ? '-' : wireKey(terminal.identity)}`;
  for (const stage of job.stages) {
    key += `|${stage.op}`;
    if (stage.op === 'mapInit' || stage.op === 'forEachInit') key += `|${wireKey(stage.init)}`;
    if (stage.op !== 'enumerate') key += `|${wireKey(stage.f)}`;
  }
  return key;
}

function wireKey(wire: TaskWire): string {
  return wire.kind === 'source' ? `s${wire.source.length}:${wire.source}` : `m${wire.module}#${wire.name}`;
}

function toArray(value: unknown): ArrayLike<unknown> {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>);
  }
  throw new TypeError(`flatMap: the callback must return an iterable, got ${describeValue(value)}`);
}

/**
 * The factory's source. Callbacks are `F0, F1, …`; `vN` is the item after stage N; per-piece
 * states are `S0, S1, …`. A filter is a `continue` of the innermost loop, which is always the
 * loop of the current item (flatMap opens one).
 *
 * No try/catch sits in or around the loop: V8 then neither inlines the callbacks nor optimizes
 * the loop as well (measured ~2x slower on a heavy map). Instead the loop records the item
 * (`at`) and the callback (`step`) it is in, and `runPiece` catches around the call.
 */
function generate(job: IterJob): string {
  const wires: (TaskWire | null)[] = [];
  const steps: { stage: string; wire: number }[] = [];
  /** Names a callback and returns the statement that records it as the current step. */
  const call = (wire: TaskWire, stage: string): { f: string; mark: string } => {
    const index = wires.push(wire) - 1;
    const step = steps.push({ stage, wire: index }) - 1;
    return { f: `F${index}`, mark: `step = ${step};` };
  };

  const body: string[] = [];
  const stateInits: string[] = [];
  const stateNames: string[] = [];
  const stateOps: string[] = [];
  let closers = 0;
  let v = 'v0';
  body.push(job.source.kind === 'range' ? 'const v0 = start + i;' : 'const v0 = source[i];');

  job.stages.forEach((stage, n) => {
    const out = `v${n + 1}`;
    switch (stage.op) {
      case 'enumerate':
        body.push(`const ${out} = [i, ${v}];`);
        break;
      case 'map': {
        const { f, mark } = call(stage.f, 'map');
        body.push(`${mark} const ${out} = ${f}(${v}, ctx);`);
        break;
      }
      case 'filter': {
        const { f, mark } = call(stage.f, 'filter');
        body.push(`${mark} if (!${f}(${v}, ctx)) continue;`);
        body.push(`const ${out} = ${v};`);
        break;
      }
      case 'filterMap': {
        const { f, mark } = call(stage.f, 'filterMap');
        body.push(`${mark} const ${out} = ${f}(${v}, ctx);`);
        body.push(`if (${out} === undefined || ${out} === null) continue;`);
        break;
      }
      case 'flatMap': {
        const { f, mark } = call(stage.f, 'flatMap');
        body.push(`${mark} const a${n} = toArray(${f}(${v}, ctx));`);
        body.push(`for (let j${n} = 0; j${n} < a${n}.length; j${n}++) {`);
        body.push(`const ${out} = a${n}[j${n}];`);
        closers++;
        break;
      }
      case 'mapInit':
      case 'forEachInit': {
        const init = call(stage.init, `${stage.op} init`);
        const { f, mark } = call(stage.f, stage.op);
        const state = `S${stateNames.length}`;
        stateInits.push(`${init.mark} ${state} = ${init.f}(ctx); begun++;`);
        stateNames.push(state);
        stateOps.push(stage.op);
        body.push(`${mark} const ${out} = ${f}(${state}, ${v}, ctx);`);
        break;
      }
    }
    v = out;
  });

  const { begin, consume, end } = terminalCode(job.terminal, v, call);
  body.push(consume);
  for (let k = 0; k < closers; k++) body.push('}');

  const disposes = stateNames
    .map(
      (state, k) =>
        `if (begun > ${k}) { const s = ${state}; ${state} = undefined; try { disposeState(s); } catch (e) { first ??= new Failure(${JSON.stringify(`${stateOps[k]} dispose`)}, lo, e, null); } }`,
    )
    .join('\n');
  const code = `'use strict';
const { wires, ctx, control, checkpoint, output, source, start, length, pieces, Failure, HALT, toArray, disposeState, keep, keepCollected, found, cloneIdentity, notNumber } = env;
${wires.map((_, k) => `const F${k} = env.fns[${k}];`).join('\n')}
const steps = ${JSON.stringify(steps)};
// Pieces are near-equal (pieces.ts): the first \`rest\` hold one item more than \`base\`.
const base = Math.floor(length / pieces);
const rest = length - base * pieces;
let at = 0;
let step = -1;
let span = 1;
let begun = 0;
${stateNames.map((s) => `let ${s};`).join(' ')}
function endStates(lo) {
  let first = null;
  ${disposes}
  begun = 0;
  return first;
}
function body(piece, lo, hi) {
  ${begin}
  for (let block = lo; block < hi; block += span) {
    span = checkpoint(span);
    if (span === 0) return;
    const blockEnd = Math.min(hi, block + span);
    for (let i = block; i < blockEnd; i++) {
      at = i;
      ${body.join('\n      ')}
    }
  }
  ${end}
}
function blame(e, index) {
  if (e instanceof Failure) return e;
  const s = steps[step];
  return s === undefined ? new Failure('pipeline', index, e, null) : new Failure(s.stage, index, e, wires[s.wire]);
}
return function runPiece(piece) {
  const lo = piece * base + Math.min(piece, rest);
  const hi = lo + base + (piece < rest ? 1 : 0);
  step = -1;
  try {
    ${stateInits.join('\n    ')}
  } catch (e) {
    const failure = blame(e, lo);
    endStates(lo);
    throw failure;
  }
  let failure = null;
  try {
    body(piece, lo, hi);
  } catch (e) {
    if (e !== HALT) failure = blame(e, at);
  }
  const disposeFailure = endStates(lo);
  if (failure !== null) throw failure;
  if (disposeFailure !== null) throw disposeFailure;
};`;
  return code;
}

/** The callbacks of a pipeline in the order `generate` numbers them `F0, F1, …`. */
export function orderedWires(job: IterJob): TaskWire[] {
  const wires: TaskWire[] = [];
  for (const stage of job.stages) {
    if (stage.op === 'mapInit' || stage.op === 'forEachInit') wires.push(stage.init);
    if (stage.op !== 'enumerate') wires.push(stage.f);
  }
  const terminal = job.terminal;
  if (terminal.op === 'reduce' && terminal.identity !== null) wires.push(terminal.identity);
  if ('f' in terminal) wires.push(terminal.f);
  return wires;
}

function terminalCode(
  terminal: TerminalWire,
  v: string,
  call: (wire: TaskWire, stage: string) => { f: string; mark: string },
): { begin: string; consume: string; end: string } {
  switch (terminal.op) {
    case 'drain':
      return { begin: '', consume: '', end: '' };
    case 'forEach': {
      const { f, mark } = call(terminal.f, 'forEach');
      return { begin: '', consume: `${mark} ${f}(${v}, ctx);`, end: '' };
    }
    case 'sum':
      return {
        begin: 'let total = 0;',
        consume: `if (typeof ${v} !== 'number') throw new Failure('sum', i, notNumber(${v}), null); total += ${v};`,
        end: 'keep(piece, total);',
      };
    case 'count':
      return { begin: 'let total = 0;', consume: 'total++;', end: 'keep(piece, total);' };
    case 'min':
    case 'max':
      return {
        begin: 'let has = false; let best;',
        consume: `if (!has) { has = true; best = ${v}; } else if (${v} ${terminal.op === 'max' ? '>=' : '<'} best) best = ${v};`,
        end: 'if (has) keep(piece, best);',
      };
    case 'reduce': {
      let begin = 'let acc = cloneIdentity();';
      if (terminal.identity !== null) {
        const identity = call(terminal.identity, 'reduce identity');
        begin = `at = lo; ${identity.mark} let acc = ${identity.f}(ctx);`;
      }
      const { f, mark } = call(terminal.f, 'reduce');
      return { begin, consume: `${mark} acc = ${f}(acc, ${v}, ctx);`, end: 'keep(piece, acc);' };
    }
    case 'any':
    case 'all':
    case 'findAny': {
      const { f, mark } = call(terminal.f, terminal.op);
      const decides = terminal.op === 'all' ? '!' : '';
      return {
        begin: '',
        consume: `${mark} if (${decides}${f}(${v}, ctx)) { found(piece, ${v}); throw HALT; }`,
        end: '',
      };
    }
    case 'collect':
      return {
        begin: 'let cursor = lo; let list = output === null ? [] : null;',
        consume: `if (list === null) { if (typeof ${v} === 'number') { output[cursor++] = ${v}; continue; } list = Array.from(output.subarray(lo, cursor)); } list.push(${v});`,
        end: 'keepCollected(piece, cursor - lo, list);',
      };
  }
}
