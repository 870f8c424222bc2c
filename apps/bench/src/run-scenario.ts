import { runInChild } from './child-runner.js';
import { evaluateTargets } from './comparison.js';
import type { ScenarioFile } from './discovery.js';
import type { ScenarioOutline } from './harness.js';
import type { MeasureBudget } from './measure-budget.js';
import type { CaseResult, RoundResult, SampleStats, ScenarioResult } from './results.js';
import { summarize } from './statistics.js';

export type OutlineResult =
  | { kind: 'outline'; outline: ScenarioOutline }
  | { kind: 'helper' }
  | { kind: 'error'; error: string };

/** Loads a scenario in a process of its own and returns its outline: its cases, units and targets. */
export async function outlineScenario(file: ScenarioFile, quick: boolean): Promise<OutlineResult> {
  const reply = await runInChild({ kind: 'outline', path: file.absolutePath, quick }, 120_000);
  if (reply.kind === 'outline' || reply.kind === 'helper' || reply.kind === 'error') return reply;
  return { kind: 'error', error: `unexpected reply '${reply.kind}'` };
}

/** A process's longest life: every step of a case may take the step timeout, plus the sampling time. */
function processTimeout(budget: MeasureBudget): number {
  return 4 * budget.stepTimeoutMs + budget.hardTimeMs + budget.warmupMs;
}

/** Measures one case of a scenario in a fresh process: one round of it. */
export async function runCaseRound(
  file: ScenarioFile,
  caseName: string,
  round: number,
  position: number,
  quick: boolean,
  budget: MeasureBudget,
): Promise<RoundResult> {
  const start = performance.now();
  const reply = await runInChild(
    { kind: 'case', path: file.absolutePath, caseName, quick, budget },
    processTimeout(budget),
  );
  const wallMs = performance.now() - start;
  if (reply.kind === 'case') return { round, position, ...reply.measurement, wallMs, attempts: 1 };
  const error = reply.kind === 'error' ? reply.error : `unexpected reply '${reply.kind}'`;
  return {
    round,
    position,
    status: 'failed',
    error,
    warmupRuns: 0,
    samplesMs: [],
    cpuMs: [],
    metrics: {},
    load: null,
    wallMs,
    attempts: 1,
  };
}

/** The order of a scenario's cases in a round: rotated by one each round, so none always runs first. */
export function roundOrder<T>(cases: readonly T[], round: number): T[] {
  const shift = (round - 1) % cases.length;
  return [...cases.slice(shift), ...cases.slice(0, shift)];
}

function pooled(rounds: readonly RoundResult[], pick: (r: RoundResult) => number[]): SampleStats | null {
  const values = rounds.filter((r) => r.status === 'ok').flatMap(pick);
  return values.length === 0 ? null : summarize(values);
}

/** One case's result from its rounds: a failed round fails the case; figures pool the good rounds. */
export function caseResult(outline: ScenarioOutline['cases'][number], rounds: RoundResult[]): CaseResult {
  const failed = rounds.find((r) => r.status === 'failed');
  const skipped = rounds.find((r) => r.status === 'skipped');
  const status = failed ? 'failed' : skipped ? 'skipped' : 'ok';
  const metricNames = [...new Set(rounds.flatMap((r) => Object.keys(r.metrics)))];
  const metrics: Record<string, SampleStats> = {};
  for (const name of metricNames) {
    const stats = pooled(rounds, (r) => r.metrics[name] ?? []);
    if (stats) metrics[name] = stats;
  }
  return {
    name: outline.name,
    note: outline.note,
    units: outline.units,
    vs: outline.vs,
    verified: outline.verified,
    status,
    error: failed ? `round ${failed.round}: ${failed.error}` : skipped ? skipped.error : null,
    rounds,
    stats: status === 'ok' ? pooled(rounds, (r) => r.samplesMs) : null,
    cpu: status === 'ok' ? pooled(rounds, (r) => r.cpuMs) : null,
    metrics,
  };
}

/** A scenario's result from its outline and every round of every case. */
export function scenarioResult(
  file: ScenarioFile,
  outline: ScenarioOutline,
  roundsByCase: ReadonlyMap<string, RoundResult[]>,
  rounds: number,
): ScenarioResult {
  const cases = outline.cases.map((c) => caseResult(c, roundsByCase.get(c.name) ?? []));
  return {
    id: outline.id,
    file: file.relativePath,
    title: outline.title,
    units: outline.units,
    unit: outline.unit,
    baseline: outline.baseline,
    status: cases.some((c) => c.status === 'failed') ? 'failed' : 'ok',
    error: null,
    cases,
    targets: evaluateTargets(outline.targets, cases, rounds),
  };
}

/** The result of a scenario that could not be loaded at all. */
export function failedScenario(file: ScenarioFile, error: string): ScenarioResult {
  return {
    id: file.fileId,
    file: file.relativePath,
    title: file.fileId,
    units: 0,
    unit: '',
    baseline: '',
    status: 'failed',
    error,
    cases: [],
    targets: [],
  };
}
