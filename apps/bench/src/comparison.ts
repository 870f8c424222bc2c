import type { ScenarioTarget } from './harness.js';
import type { CaseResult, RoundResult, ScenarioResult, TargetResult } from './results.js';
import { median } from './statistics.js';

export type Metric = 'time' | 'cpu';

function roundMedian(round: RoundResult | undefined, metric: Metric): number | null {
  if (round?.status !== 'ok') return null;
  const values = metric === 'time' ? round.samplesMs : round.cpuMs;
  return values.length > 0 ? median(values) : null;
}

/**
 * A case's median ms a run over the whole run: the median of its rounds' medians (the typical
 * round: a round disturbed by the machine's load does not pull it), or of every run pooled
 * when no round has figures of its own.
 */
export function typicalMs(result: CaseResult, metric: Metric): number | undefined {
  const medians = result.rounds.map((r) => roundMedian(r, metric)).filter((v): v is number => v !== null);
  if (medians.length > 0) return median(medians);
  return (metric === 'time' ? result.stats : result.cpu)?.median;
}

/**
 * Milliseconds one unit of the case takes (wall time, or CPU time of every thread) at the
 * median, over the whole run (see `typicalMs`) or in one round (1-based); null when unknown.
 */
export function msPerUnit(result: CaseResult | undefined, metric: Metric, round?: number): number | null {
  if (result?.status !== 'ok') return null;
  const ms =
    round === undefined
      ? typicalMs(result, metric)
      : roundMedian(
          result.rounds.find((r) => r.round === round),
          metric,
        );
  // A median of 0 means the runs were shorter than the clock's resolution: nothing to trust.
  return ms === undefined || ms === null || !(ms > 0) ? null : ms / result.units;
}

function speedupIn(
  cases: readonly CaseResult[],
  name: string,
  reference: string,
  metric: Metric,
  round?: number,
): number | null {
  const own = msPerUnit(
    cases.find((c) => c.name === name),
    metric,
    round,
  );
  const other = msPerUnit(
    cases.find((c) => c.name === reference),
    metric,
    round,
  );
  return own === null || other === null ? null : other / own;
}

/** The rounds either of two cases ran in, 1-based, in order. */
function roundsOf(cases: readonly CaseResult[], names: readonly string[]): number[] {
  const rounds = new Set<number>();
  for (const c of cases) if (names.includes(c.name)) for (const r of c.rounds) rounds.add(r.round);
  return [...rounds].sort((a, b) => a - b);
}

/**
 * How many times faster `name` is than `reference`, a unit against a unit; null if unknown. In
 * one round, from that round's medians; over the whole run, the median of the rounds' ratios
 * (so it always lies within their range), or from the pooled medians when no round has both.
 */
export function speedup(
  cases: readonly CaseResult[],
  name: string,
  reference: string,
  metric: Metric = 'time',
  round?: number,
): number | null {
  if (round !== undefined) return speedupIn(cases, name, reference, metric, round);
  const perRound = roundsOf(cases, [name, reference])
    .map((r) => speedupIn(cases, name, reference, metric, r))
    .filter((v): v is number => v !== null);
  return perRound.length > 0 ? median(perRound) : speedupIn(cases, name, reference, metric);
}

/** The ratio a case is shown with: against the case it names, else the scenario's baseline. */
export function ratioToReference(
  scenario: ScenarioResult,
  result: CaseResult,
  round?: number,
): number | null {
  if (result.vs === null) return null;
  return speedup(scenario.cases, result.name, result.vs, 'time', round);
}

/** The ratio to the scenario's baseline (>1 = faster than the baseline), for the chart's one axis. */
export function ratioToBaseline(scenario: ScenarioResult, name: string): number | null {
  return speedup(scenario.cases, name, scenario.baseline);
}

/** The lowest and highest of a case's ratios round by round; null with fewer than two rounds. */
export function ratioRange(scenario: ScenarioResult, result: CaseResult): [number, number] | null {
  const ratios = result.rounds
    .map((r) => ratioToReference(scenario, result, r.round))
    .filter((r): r is number => r !== null);
  return ratios.length < 2 ? null : [Math.min(...ratios), Math.max(...ratios)];
}

/** What a target needs: a speedup of at least this (`ratio`, `within`), or at most this many ns a unit. */
export function threshold(target: ScenarioTarget): number {
  if (target.atMostNs !== undefined) return target.atMostNs;
  if (target.within !== undefined) return 1 / target.within;
  return target.ratio ?? Number.NaN;
}

function figure(
  target: ScenarioTarget,
  cases: readonly CaseResult[],
  metric: Metric,
  round?: number,
): number | null {
  if (target.atMostNs !== undefined) {
    const ms = msPerUnit(
      cases.find((c) => c.name === target.case),
      metric,
      round,
    );
    return ms === null ? null : ms * 1e6;
  }
  return speedup(cases, target.case, target.vs ?? '', metric, round);
}

function isMet(target: ScenarioTarget, value: number): boolean {
  return target.atMostNs !== undefined ? value <= target.atMostNs : value >= threshold(target);
}

/**
 * Judges each target round by round, as well as over every round pooled: a target is met only
 * when it is met in every round that could be judged, so one lucky run cannot meet it.
 */
export function evaluateTargets(
  targets: readonly ScenarioTarget[],
  cases: readonly CaseResult[],
  rounds: number,
): TargetResult[] {
  return targets.map((target) => {
    const metric = target.metric ?? 'time';
    const perRound = Array.from({ length: rounds }, (_, i) => figure(target, cases, metric, i + 1));
    const judged = perRound.filter((value): value is number => value !== null);
    const metRounds = judged.filter((value) => isMet(target, value)).length;
    return {
      ...target,
      metric,
      kind: target.kind ?? 'goal',
      // The median of the rounds' figures: one lucky or unlucky round does not move it.
      actual: judged.length > 0 ? median(judged) : figure(target, cases, metric),
      perRound,
      metRounds,
      roundsJudged: judged.length,
      met: judged.length === 0 ? null : metRounds === judged.length,
    };
  });
}

/**
 * Where a target sits on the chart's axis (ratio to the scenario's baseline, wall time): `case`
 * must be `threshold` times faster than `vs`, which is `threshold` times `vs`'s own ratio to the
 * baseline. Null for CPU targets and when a case has no figure.
 */
export function targetOnBaselineAxis(scenario: ScenarioResult, target: TargetResult): number | null {
  if (target.metric !== 'time') return null;
  if (target.atMostNs !== undefined) {
    const base = msPerUnit(
      scenario.cases.find((c) => c.name === scenario.baseline),
      'time',
    );
    return base === null ? null : (base * 1e6) / target.atMostNs;
  }
  const vsRatio = ratioToBaseline(scenario, target.vs ?? '');
  return vsRatio === null ? null : vsRatio * threshold(target);
}

/** Nanoseconds one unit of work takes at a median of `medianMs` a run. */
export function nanosPerUnit(medianMs: number, units: number): number {
  return (medianMs * 1e6) / units;
}
