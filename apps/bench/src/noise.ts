import type { ScenarioResult, SuiteLoad } from './results.js';

/**
 * Cores other processes may use, on average over a case's timed runs, before its figures count
 * as disturbed. On a 2-core machine 0.1 is a twentieth of it: an editor, a shell, the kernel.
 */
export const QUIET_CORES = 0.1;
/** `--wait-quiet` starts a case once other processes use no more than this over half a second. */
export const SETTLED_CORES = 0.2;
/** Beyond this anywhere (a third of a core), or half of it on average, the run is busy. */
export const BUSY_CORES = 0.35;

/**
 * How noisy the whole run was: the mean and the worst of what other processes used while cases
 * took their timed runs, and a verdict. Null figures where the platform cannot say.
 */
export function assessLoad(
  scenarios: readonly ScenarioResult[],
  loadavgStart: number[],
  loadavgEnd: number[],
): SuiteLoad {
  let sum = 0;
  let count = 0;
  let max: number | null = null;
  let maxAt: string | null = null;
  let stealMax: number | null = null;
  for (const scenario of scenarios) {
    for (const result of scenario.cases) {
      for (const round of result.rounds) {
        const others = round.load?.othersCores;
        if (others === null || others === undefined) continue;
        sum += others;
        count++;
        if (max === null || others > max) {
          max = others;
          maxAt = `${scenario.id} · ${result.name} (round ${round.round})`;
        }
        const steal = round.load?.stealCores;
        if (steal !== null && steal !== undefined) stealMax = Math.max(stealMax ?? 0, steal);
      }
    }
  }
  const mean = count === 0 ? null : sum / count;
  let verdict: SuiteLoad['verdict'] = 'unknown';
  if (mean !== null && max !== null) {
    const worst = max + (stealMax ?? 0);
    if (worst > BUSY_CORES || mean > BUSY_CORES / 2) verdict = 'busy';
    else if (worst > QUIET_CORES) verdict = 'some load';
    else verdict = 'quiet';
  }
  return {
    loadavgStart,
    loadavgEnd,
    othersMean: mean,
    othersMax: max,
    othersMaxAt: maxAt,
    stealMax,
    verdict,
  };
}

/** Why a run's figures should not be committed as the final ones; empty when they may be. */
export function provisionalReasons(options: {
  quick: boolean;
  only: readonly string[];
  load: SuiteLoad;
  failed: number;
}): string[] {
  const reasons: string[] = [];
  if (options.quick) reasons.push('a quick run (small inputs, one round)');
  if (options.only.length > 0) reasons.push(`part of the suite only (--only ${options.only.join(', ')})`);
  if (options.load.verdict === 'busy') reasons.push('the machine was busy (see Load)');
  if (options.load.verdict === 'unknown') reasons.push("the machine's load could not be measured");
  if (options.failed > 0) reasons.push(`${options.failed} case(s) failed`);
  return reasons;
}
