// The source text of a pipeline's piece runner. One walk over a job's stages and terminal
// (`describePipeline`) numbers the callbacks — the generated code calls callback k `F<k>` — and
// keys the compiled code; `pipelineSource` writes the code from what the walk found, so the
// numbering, the key and the code cannot disagree.
//
// The code runs a piece of the pipeline's units (source items; chunks, after `chunks`) with every
// stage and the terminal inline. A filter is a skip of the innermost loop or block; `chunks` and
// `fold` gather items and pass them on when a chunk is full and when the piece ends.
//
// No try/catch sits in or around the loop: V8 then neither inlines the callbacks nor optimizes
// the loop as well (measured ~2x slower on a heavy map). Instead the loop records the item (`at`,
// its position in the source) and the callback (`step`) it is in, and `runPiece` catches around
// the call.
//
// A callback's result that could be a Promise is checked where it is made (`typeof` of an object
// or a function, then `then`): an async callback would otherwise be silently wrong (a Promise is
// truthy, and never awaited). Where the terminal already branches on numbers (`sum`, `collect`),
// a map's result is checked only off the number path.
import type { TaskWire } from '@herd/scope/runtime';
import type { IterJob, SourceWire, TerminalWire } from '../protocol.js';
import { sortPhaseCode } from './sort-code.js';

/** A callback of the pipeline, and the stage it is blamed on when it throws. */
export interface Callback {
  wire: TaskWire;
  stage: string;
}

type StageNode =
  | {
      op: 'map' | 'filter' | 'filterMap' | 'flatMap' | 'mapInit' | 'forEachInit' | 'fold';
      fn: number;
      /** mapInit/forEachInit's init, fold's identity function. */
      init: number | null;
    }
  | { op: 'enumerate' }
  | { op: 'chunks'; direct: boolean; views: boolean }
  | { op: 'zip'; other: SourceWire['kind'] };

interface TerminalNode {
  op: TerminalWire['op'];
  fn: number | null;
  /** reduce's identity function. */
  init: number | null;
  /** parSort's phases: the kind of typed array sorted. */
  kind: string | null;
}

/** A pipeline as the code generator sees it. */
export interface Pipeline {
  /** What makes two calls share compiled code: the shape of the pipeline and its callbacks. */
  key: string;
  callbacks: Callback[];
  source: SourceWire['kind'];
  stages: StageNode[];
  terminal: TerminalNode;
}

/** Walks a job once: its callbacks in `F<k>` order, its shape, its key. */
export function describePipeline(job: IterJob): Pipeline {
  const callbacks: Callback[] = [];
  const call = (wire: TaskWire, stage: string): number => callbacks.push({ wire, stage }) - 1;
  let shape = job.source.kind;
  const stages = job.stages.map((stage, n): StageNode => {
    switch (stage.op) {
      case 'enumerate':
        shape += '|enumerate';
        return stage;
      case 'chunks': {
        // A chunks stage right on the source cuts it directly (views of a typed array).
        const direct = n === 0;
        const views = direct && stage.views;
        shape += `|chunks${direct ? (views ? ':views' : ':direct') : ''}`;
        return { op: 'chunks', direct, views };
      }
      case 'zip':
        shape += `|zip:${stage.other.kind}`;
        return { op: 'zip', other: stage.other.kind };
      case 'mapInit':
      case 'forEachInit': {
        shape += `|${stage.op}`;
        const init = call(stage.init, `${stage.op} init`);
        return { op: stage.op, init, fn: call(stage.f, stage.op) };
      }
      case 'fold': {
        shape += stage.identity === null ? '|fold:value' : '|fold';
        const init = stage.identity === null ? null : call(stage.identity, 'fold identity');
        return { op: 'fold', init, fn: call(stage.f, 'fold') };
      }
      default:
        shape += `|${stage.op}`;
        return { op: stage.op, init: null, fn: call(stage.f, stage.op) };
    }
  });
  const terminal = job.terminal;
  const node: TerminalNode = { op: terminal.op, fn: null, init: null, kind: null };
  shape += `|${terminal.op}`;
  switch (terminal.op) {
    case 'reduce':
      shape += terminal.identity === null ? ':value' : '';
      if (terminal.identity !== null) node.init = call(terminal.identity, 'reduce identity');
      node.fn = call(terminal.f, 'reduce');
      break;
    case 'sortRuns':
    case 'mergeRuns':
      shape += `:${terminal.to.kind}`;
      node.kind = terminal.to.kind;
      if (terminal.compare !== null) node.fn = call(terminal.compare, 'parSort compare');
      break;
    default:
      if ('f' in terminal) node.fn = call(terminal.f, terminal.op);
  }
  // The callbacks are part of the key: one compiled loop per pipeline keeps its call sites
  // monomorphic, so V8 inlines the callbacks.
  const key = `${shape}#${callbacks.map((c) => wireKey(c.wire)).join('|')}`;
  return { key, callbacks, source: job.source.kind, stages, terminal: node };
}

function wireKey(wire: TaskWire): string {
  return wire.kind === 'source' ? `s${wire.source.length}:${wire.source}` : `m${wire.module}#${wire.name}`;
}

/** How a value goes on: the current item's index (null once a stage lost it), its source items. */
interface Level {
  /** The item's index among the items of its stage, when the pipeline still has one. */
  idx: string | null;
  /** How many source items one item at this level stands for (chunks), as an expression. */
  per: string;
  /** The statement that drops the current item: a `continue` of its loop or a `break` of its block. */
  skip: string;
}

/** Terminals that already test whether a value is a number, so a map before them checks only off that path. */
const NUMBER_PATH = new Set<TerminalWire['op']>(['sum', 'collect']);

/** The statement that refuses `value`, the result of callback `fn`, when it is a thenable. */
function checkSync(value: string, fn: number): string {
  // `then` is looked up at each site rather than in a shared helper, so its feedback is this
  // pipeline's alone. Numbers and booleans pass on the first `typeof`; measured: no difference on
  // a heavy or a light map + sum, and an object that goes no further is still not allocated.
  return `if (((typeof ${value} === 'object' && ${value} !== null) || typeof ${value} === 'function') && typeof ${value}.then === 'function') throw syncFailure(${fn}, ${value});`;
}

/**
 * The factory's source: a function of `env` (see compile-pipeline.ts) returning `runPiece`.
 * `vN` is the value after stage N; `SN` mapInit states, `CN`/`KN` a chunks stage's chunk and its
 * index, `AN` a fold's accumulator.
 */
export function pipelineSource(p: Pipeline): string {
  return new SourceWriter(p).write();
}

class SourceWriter {
  readonly #p: Pipeline;
  /** Factory-level constants, read from the job once per call. */
  readonly #decls: string[] = [];
  /** At the start of a piece, before its loop. */
  readonly #begin: string[] = [];
  /** At the end of a piece, after its loop: chunks and folds pass on what they gathered. */
  readonly #end: string[] = [];
  readonly #states: { name: string; op: string; init: string }[] = [];
  /** Source items per unit (the items pieces are cut from), as an expression. */
  #unitPer = '1';
  /**
   * Whether a unit holds several of the items the loop runs over (`chunks` after the first
   * stage): the loop then runs over units, and over `loopItems` items in each, up to `loopEnd`.
   */
  #unitLoop = false;

  readonly #terminal: TerminalCode;

  constructor(p: Pipeline) {
    this.#p = p;
    this.#terminal = terminalCode(p.terminal);
  }

  write(): string {
    const p = this.#p;
    const direct = p.stages[0]?.op === 'chunks';
    const first: Level = { idx: 'i', per: direct ? 'size0' : '1', skip: 'continue;' };
    const terminal = this.#terminal;
    this.#prepare();
    const itemCode = direct
      ? [this.#directChunk(), this.#emit(1, 'v1', first)]
      : [`const v0 = ${p.source === 'range' ? 'start + i' : 'source[i]'};`, this.#emit(0, 'v0', first)];
    const beaten = terminal.beaten ? 'if (beaten(piece)) return;' : '';
    const loop = this.#unitLoop
      ? `for (let u = block; u < blockEnd; u++) {
      const iEnd = Math.min(loopEnd, (u + 1) * loopItems);
      for (let i = u * loopItems; i < iEnd; i++) {`
      : 'for (let i = block; i < blockEnd; i++) {';
    // What the item loop reads goes to body as parameters: read from the factory's scope, each is
    // loaded again on every item (~0.4 of 1.3 ns an item on a light map over 10M shared f64, one
    // worker: 13.1 ms a call before, 8.9 after).
    const fnParams = p.callbacks.map((_, k) => `, F${k}`).join('');
    const disposes = this.#states
      .map(
        ({ name, op }, k) =>
          `if (begun > ${k}) { const s = ${name}; ${name} = undefined; try { disposeState(s); } catch (e) { first ??= new Failure(${JSON.stringify(`${op} dispose`)}, index, e, null); } }`,
      )
      .join('\n  ');
    return `'use strict';
const { ctx, checkpoint, output, source, start, length, pieces, stages, terminal, others, callbacks, Failure, HALT, CALL_FAILURE, toArray, isThenable, disposeState, keep, keepCollected, found, foundFirst, foundLast, beaten, cloneValue, notNumber, notSyncError, rangeChunk } = env;
${p.callbacks.map((_, k) => `const F${k} = env.fns[${k}];`).join('\n')}
${this.#decls.join('\n')}
${terminal.decls}
// Pieces are near-equal (pieces.ts): the first \`rest\` hold one unit more than \`base\`.
const base = Math.floor(length / pieces);
const rest = length - base * pieces;
const unitPer = ${this.#unitPer};
let at = 0;
let step = -1;
let span = 1;
let begun = 0;
${this.#states.map((s) => `let ${s.name};`).join(' ')}
function syncFailure(fn, thenable) {
  return new Failure(CALL_FAILURE, at, notSyncError(fn, at, thenable), null);
}
function toArrayOf(value, fn) {
  if (Array.isArray(value)) return value;
  if (isThenable(value)) throw syncFailure(fn, value);
  return toArray(value);
}
function endStates(index) {
  let first = null;
  ${disposes}
  begun = 0;
  return first;
}
function body(piece, lo, hi, source, start, output, ctx${fnParams}) {
  ${terminal.begin}
  ${this.#begin.join('\n  ')}
  for (let block = lo; block < hi; block += span) {
    span = checkpoint(span);
    if (span === 0) return;
    ${beaten}
    const blockEnd = Math.min(hi, block + span);
    ${loop}
      at = ${direct ? 'i * size0' : 'i'};
      ${itemCode.join('\n      ')}
    }${this.#unitLoop ? '}' : ''}
  }
  ${this.#end.join('\n  ')}
  ${terminal.end}
}
function blame(e, index) {
  if (e instanceof Failure) return e;
  const c = callbacks[step];
  return c === undefined ? new Failure('pipeline', index, e, null) : new Failure(c.stage, index, e, c.wire);
}
return function runPiece(piece) {
  const lo = piece * base + Math.min(piece, rest);
  const hi = lo + base + (piece < rest ? 1 : 0);
  ${beaten}
  step = -1;
  at = lo * unitPer;
  try {
    ${this.#states.map((s) => s.init).join('\n    ')}
  } catch (e) {
    const failure = blame(e, at);
    endStates(lo * unitPer);
    throw failure;
  }
  let failure = null;
  try {
    body(piece, lo, hi, source, start, output, ctx${fnParams});
  } catch (e) {
    if (e !== HALT) failure = blame(e, at);
  }
  const disposeFailure = endStates(lo * unitPer);
  if (failure !== null) throw failure;
  if (disposeFailure !== null) throw disposeFailure;
};`;
  }

  /**
   * Declares what the stages need once per call and per piece, in stage order, and works out the
   * units: the items at the end of the indexed stages, each `unitPer` source items.
   */
  #prepare(): void {
    let per = '1';
    let loopPer = '1';
    this.#p.stages.forEach((stage, n) => {
      switch (stage.op) {
        case 'chunks':
          this.#decls.push(`const size${n} = stages[${n}].size;`);
          if (stage.direct) {
            this.#decls.push(`const items${n} = stages[${n}].items;`);
            per = `size${n}`;
            loopPer = per;
            break;
          }
          this.#decls.push(`const per${n} = ${per} * size${n};`);
          // Every unit holds whole chunks (pieces are cut in units), so a chunk never spans two
          // pieces. The first such chunks stage counts the items the loop runs over.
          if (!this.#unitLoop) this.#decls.push(`const loopEnd = stages[${n}].items;`);
          this.#unitLoop = true;
          per = `per${n}`;
          this.#begin.push(`let C${n} = [];`, `let K${n} = lo * (unitPer / per${n});`);
          this.#end.push(
            `if (C${n}.length > 0) { const v${n + 1} = C${n}; C${n} = []; const k${n} = K${n}++; e${n}: { at = k${n} * per${n}; ${this.#emit(n + 1, `v${n + 1}`, { idx: `k${n}`, per: `per${n}`, skip: `break e${n};` })} } }`,
          );
          break;
        case 'zip':
          this.#decls.push(`const other${n} = others[${n}];`, `const zipLength${n} = stages[${n}].length;`);
          break;
        case 'mapInit':
        case 'forEachInit': {
          const name = `S${this.#states.length}`;
          // Counted as begun before the check, so a thenable state is still disposed.
          this.#states.push({
            name,
            op: stage.op,
            init: `step = ${stage.init}; ${name} = F${stage.init}(ctx); begun++; ${checkSync(name, stage.init!)}`,
          });
          break;
        }
        case 'fold': {
          const acc = `A${n}`;
          this.#begin.push(
            stage.init === null
              ? `let ${acc} = cloneValue(stages[${n}].identityValue);`
              : `at = lo * unitPer; step = ${stage.init}; let ${acc} = F${stage.init}(ctx); ${checkSync(acc, stage.init)}`,
          );
          this.#end.push(
            `e${n}: { at = lo * unitPer; const v${n + 1} = ${acc}; ${this.#emit(n + 1, `v${n + 1}`, { idx: null, per: '1', skip: `break e${n};` })} }`,
          );
          break;
        }
      }
    });
    this.#unitPer = per;
    if (this.#unitLoop) this.#decls.push(`const loopItems = ${per} / ${loopPer};`);
  }

  /** The first stage cutting the source into chunks itself: views of a typed array, slices of an array. */
  #directChunk(): string {
    const first = this.#p.stages[0] as { views: boolean };
    const bounds = 'i * size0, Math.min(items0, i * size0 + size0)';
    switch (this.#p.source) {
      case 'range':
        return `const v1 = rangeChunk(start + i * size0, start + Math.min(items0, i * size0 + size0));`;
      case 'array':
        return `const v1 = source.slice(${bounds});`;
      case 'shared':
        // A long array of numbers travels packed in a typed array: its chunks are arrays again.
        return first.views
          ? `const v1 = source.subarray(${bounds});`
          : `const v1 = Array.from(source.subarray(${bounds}));`;
    }
  }

  /** The code that takes value `v` through stage `n` and the ones after it, then the terminal. */
  #emit(n: number, v: string, level: Level, pending: number | null = null): string {
    const p = this.#p;
    const stage = p.stages[n];
    if (stage === undefined) return this.#terminal.consume(v, level, pending);
    const out = `v${n + 1}`;
    const { skip } = level;
    const unindexed: Level = { idx: null, per: level.per, skip };
    // A map's result feeding a terminal that tests for numbers is checked off the number path.
    const defer = n === p.stages.length - 1 && NUMBER_PATH.has(p.terminal.op);
    const result = (fn: number): { check: string; pending: number | null } =>
      defer ? { check: '', pending: fn } : { check: checkSync(out, fn), pending: null };
    switch (stage.op) {
      case 'map': {
        const r = result(stage.fn);
        return `step = ${stage.fn}; const ${out} = F${stage.fn}(${v}, ctx); ${r.check}
      ${this.#emit(n + 1, out, level, r.pending)}`;
      }
      case 'mapInit':
      case 'forEachInit': {
        const state = `S${this.#stateIndex(n)}`;
        const r = result(stage.fn);
        return `step = ${stage.fn}; const ${out} = F${stage.fn}(${state}, ${v}, ctx); ${r.check}
      ${this.#emit(n + 1, out, level, r.pending)}`;
      }
      case 'filter':
        return `step = ${stage.fn}; const t${n} = F${stage.fn}(${v}, ctx); if (!t${n}) ${skip} ${checkSync(`t${n}`, stage.fn)}
      ${this.#emit(n + 1, v, unindexed)}`;
      case 'filterMap': {
        const r = result(stage.fn);
        return `step = ${stage.fn}; const ${out} = F${stage.fn}(${v}, ctx); if (${out} === undefined || ${out} === null) ${skip} ${r.check}
      ${this.#emit(n + 1, out, unindexed, r.pending)}`;
      }
      case 'flatMap':
        return `step = ${stage.fn}; const a${n} = toArrayOf(F${stage.fn}(${v}, ctx), ${stage.fn});
      for (let j${n} = 0; j${n} < a${n}.length; j${n}++) {
        const ${out} = a${n}[j${n}];
        ${this.#emit(n + 1, out, { idx: null, per: level.per, skip: 'continue;' })}
      }`;
      case 'fold':
        return `step = ${stage.fn}; A${n} = F${stage.fn}(A${n}, ${v}, ctx); ${checkSync(`A${n}`, stage.fn)}`;
      case 'enumerate':
        return `const ${out} = [${level.idx}, ${v}];
      ${this.#emit(n + 1, out, level)}`;
      case 'zip': {
        // Units hold whole chunks: when one holds several items, its last may pass the shorter end.
        const cut = this.#unitLoop ? `if (${level.idx} >= zipLength${n}) ${skip}` : '';
        const other = stage.other === 'range' ? `other${n} + ${level.idx}` : `other${n}[${level.idx}]`;
        return `${cut} const ${out} = [${v}, ${other}];
      ${this.#emit(n + 1, out, level)}`;
      }
      case 'chunks':
        return `C${n}.push(${v});
      if (C${n}.length === size${n}) {
        const ${out} = C${n}; C${n} = []; const k${n} = K${n}++;
        f${n}: { at = k${n} * per${n}; ${this.#emit(n + 1, out, { idx: `k${n}`, per: `per${n}`, skip: `break f${n};` })} }
      }`;
    }
  }

  #stateIndex(n: number): number {
    let k = 0;
    for (let m = 0; m < n; m++) {
      const op = this.#p.stages[m]!.op;
      if (op === 'mapInit' || op === 'forEachInit') k++;
    }
    return k;
  }
}

/** A terminal's code: factory constants, before a piece's loop, per item, after the loop. */
interface TerminalCode {
  decls: string;
  begin: string;
  consume: (v: string, level: Level, pending: number | null) => string;
  end: string;
  /** Whether a piece stops once a better piece has found the answer (findFirst, findLast). */
  beaten: boolean;
}

function terminalCode(t: TerminalNode): TerminalCode {
  const fn = t.fn ?? -1;
  const call = (args: string) => `step = ${fn}; const tr = F${fn}(${args}, ctx);`;
  let decls = '';
  let begin = '';
  let end = '';
  let beaten = false;
  let consume: (v: string, level: Level, pending: number | null) => string;
  const pendingCheck = (v: string, pending: number | null) =>
    pending === null ? '' : `if (isThenable(${v})) throw syncFailure(${pending}, ${v});`;
  switch (t.op) {
    case 'drain':
      consume = () => '';
      break;
    case 'forEach':
      consume = (v) => `${call(v)} ${checkSync('tr', fn)}`;
      break;
    case 'sum':
      begin = 'let total = 0;';
      consume = (v, _level, pending) =>
        `if (typeof ${v} !== 'number') { ${pendingCheck(v, pending)} throw new Failure('sum', at, notNumber(${v}), null); } total += ${v};`;
      end = 'keep(piece, total);';
      break;
    case 'count':
      begin = 'let total = 0;';
      consume = () => 'total++;';
      end = 'keep(piece, total);';
      break;
    case 'min':
    case 'max':
      begin = 'let has = false; let best;';
      consume = (v) =>
        `if (!has) { has = true; best = ${v}; } else if (${v} ${t.op === 'max' ? '>=' : '<'} best) best = ${v};`;
      end = 'if (has) keep(piece, best);';
      break;
    case 'reduce':
      begin =
        t.init === null
          ? 'let acc = cloneValue(terminal.identityValue);'
          : `at = lo * unitPer; step = ${t.init}; let acc = F${t.init}(ctx); ${checkSync('acc', t.init)}`;
      consume = (v) => `step = ${fn}; acc = F${fn}(acc, ${v}, ctx); ${checkSync('acc', fn)}`;
      end = 'keep(piece, acc);';
      break;
    case 'reduceWith':
      begin = 'let has = false; let acc;';
      consume = (v) =>
        `if (has) { step = ${fn}; acc = F${fn}(acc, ${v}, ctx); ${checkSync('acc', fn)} } else { has = true; acc = ${v}; }`;
      end = 'if (has) keep(piece, acc);';
      break;
    case 'any':
    case 'findAny':
    case 'positionAny':
      consume = (v, level) =>
        `${call(v)} if (tr) { ${checkSync('tr', fn)} found(piece, ${t.op === 'positionAny' ? level.idx : v}); throw HALT; }`;
      break;
    case 'all':
      consume = (v) => `${call(v)} if (!tr) { found(piece, ${v}); throw HALT; } ${checkSync('tr', fn)}`;
      break;
    case 'findFirst':
    case 'positionFirst':
      beaten = true;
      consume = (v, level) =>
        `${call(v)} if (tr) { ${checkSync('tr', fn)} foundFirst(piece, ${t.op === 'positionFirst' ? level.idx : v}); throw HALT; }`;
      break;
    case 'findLast':
      beaten = true;
      begin = 'let has = false; let last;';
      consume = (v) => `${call(v)} if (tr) { ${checkSync('tr', fn)} has = true; last = ${v}; }`;
      end = 'if (has) foundLast(piece, last);';
      break;
    case 'minBy':
    case 'maxBy':
      begin = 'let has = false; let best;';
      // rayon: min_by keeps the first of equals, max_by the last.
      consume = (v) =>
        `if (has) { step = ${fn}; const tc = F${fn}(best, ${v}, ctx); if (typeof tc !== 'number' && isThenable(tc)) throw syncFailure(${fn}, tc); if (${t.op === 'maxBy' ? '!(tc > 0)' : 'tc > 0'}) best = ${v}; } else { has = true; best = ${v}; }`;
      end = 'if (has) keep(piece, best);';
      break;
    case 'minByKey':
    case 'maxByKey':
      begin = 'let has = false; let best; let bestKey;';
      consume = (v) =>
        `${call(v)} ${checkSync('tr', fn)} if (!has) { has = true; best = ${v}; bestKey = tr; } else if (tr ${t.op === 'maxByKey' ? '>=' : '<'} bestKey) { best = ${v}; bestKey = tr; }`;
      end = 'if (has) keep(piece, [bestKey, best]);';
      break;
    case 'collect':
      begin = 'let cursor = lo; let list = output === null ? [] : null;';
      consume = (v, _level, pending) =>
        `if (list === null && typeof ${v} === 'number') output[cursor++] = ${v}; else { ${pendingCheck(v, pending)} if (list === null) list = Array.from(output.subarray(lo, cursor)); list.push(${v}); }`;
      end = 'keepCollected(piece, cursor - lo, list);';
      break;
    case 'partition':
      // Numbers go to the shared output, those that pass from the piece's start up, the others
      // from its end down; the first item that is not a number turns both into lists.
      begin = 'let yes = lo; let no = hi; let lists = output === null ? [[], []] : null;';
      consume = (v) =>
        `${call(v)} if (tr) { ${checkSync('tr', fn)} } if (lists === null && typeof ${v} === 'number') { if (tr) output[yes++] = ${v}; else output[--no] = ${v}; } else { if (lists === null) lists = [Array.from(output.subarray(lo, yes)), Array.from(output.subarray(no, hi)).reverse()]; (tr ? lists[0] : lists[1]).push(${v}); }`;
      end = 'keep(piece, lists === null ? [yes - lo, hi - no] : lists);';
      break;
    case 'sortRuns':
    case 'mergeRuns': {
      const code = sortPhaseCode(t.op, t.kind!, t.fn);
      decls = code.decls;
      consume = (v) => code.consume(v);
      break;
    }
  }
  return { decls, begin, consume, end, beaten };
}
