import type { ScenarioTarget } from './harness.js';
import type { CaseResult, ScenarioResult, TargetResult } from './results.js';

function medianOf(cases: readonly CaseResult[], name: string): number | null {
  const found = cases.find((c) => c.name === name);
  const median = found?.status === 'ok' ? found.stats?.median : undefined;
  // A median of 0 means the run was shorter than the clock's resolution: no ratio can be trusted.
  return median !== undefined && median > 0 ? median : null;
}

/** How many times faster `name` is than `reference`: reference median / case median; null if unknown. */
export function speedup(cases: readonly CaseResult[], name: string, reference: string): number | null {
  const caseMedian = medianOf(cases, name);
  const referenceMedian = medianOf(cases, reference);
  return caseMedian === null || referenceMedian === null ? null : referenceMedian / caseMedian;
}

/** The ratio to the scenario's baseline (>1 = faster than the baseline). */
export function ratioToBaseline(scenario: ScenarioResult, name: string): number | null {
  return speedup(scenario.cases, name, scenario.baseline);
}

export function evaluateTargets(
  targets: readonly ScenarioTarget[],
  cases: readonly CaseResult[],
): TargetResult[] {
  return targets.map((target) => {
    const actual = speedup(cases, target.case, target.vs);
    return {
      case: target.case,
      vs: target.vs,
      ratio: target.ratio,
      actual,
      met: actual === null ? null : actual >= target.ratio,
    };
  });
}

/**
 * Where a target sits on the baseline-ratio axis: `case` must be `ratio`x faster than `vs`,
 * which is `ratio` times `vs`'s own ratio to the baseline. Null when `vs` has no ratio.
 */
export function targetOnBaselineAxis(scenario: ScenarioResult, target: TargetResult): number | null {
  const vsRatio = ratioToBaseline(scenario, target.vs);
  return vsRatio === null ? null : vsRatio * target.ratio;
}

/** Nanoseconds one unit of work takes at the case's median. */
export function nanosPerUnit(medianMs: number, units: number): number {
  return (medianMs * 1e6) / units;
}
