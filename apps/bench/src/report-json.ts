import { nanosPerUnit, ratioToBaseline } from './comparison.js';
import { roundTo } from './formatting.js';
import type { CaseResult, SampleStats, ScenarioResult, SuiteResult } from './results.js';

/** ms values keep 6 decimals (1 ns); raw samples 4 (0.1 µs), which is below the clock's jitter. */
const statDecimals = 6;
const sampleDecimals = 4;

function roundStats(stats: SampleStats): SampleStats {
  return {
    count: stats.count,
    min: roundTo(stats.min, statDecimals),
    max: roundTo(stats.max, statDecimals),
    mean: roundTo(stats.mean, statDecimals),
    median: roundTo(stats.median, statDecimals),
    p25: roundTo(stats.p25, statDecimals),
    p75: roundTo(stats.p75, statDecimals),
    stddev: roundTo(stats.stddev, statDecimals),
    mad: roundTo(stats.mad, statDecimals),
  };
}

function caseJson(scenario: ScenarioResult, result: CaseResult) {
  const ratio = ratioToBaseline(scenario, result.name);
  const median = result.stats?.median;
  return {
    name: result.name,
    status: result.status,
    error: result.error,
    warmupRuns: result.warmupRuns,
    statsMs: result.stats ? roundStats(result.stats) : null,
    nsPerUnit: median === undefined ? null : roundTo(nanosPerUnit(median, scenario.units), 3),
    unitsPerSecond: median === undefined || median <= 0 ? null : Math.round((scenario.units * 1000) / median),
    ratioToBaseline: ratio === null ? null : roundTo(ratio, 4),
    samplesMs: result.samplesMs.map((ms) => roundTo(ms, sampleDecimals)),
  };
}

/**
 * The JSON report. Objects are built field by field so the key order is fixed, and numbers are
 * rounded so that a file only changes where a measurement did.
 */
export function renderJson(suite: SuiteResult): string {
  const document = {
    date: suite.date,
    quick: suite.quick,
    machine: suite.machine,
    scenarios: suite.scenarios.map((scenario) => ({
      id: scenario.id,
      file: scenario.file,
      title: scenario.title,
      units: scenario.units,
      unit: scenario.unit,
      baseline: scenario.baseline,
      status: scenario.status,
      error: scenario.error,
      cases: scenario.cases.map((result) => caseJson(scenario, result)),
      targets: scenario.targets.map((target) => ({
        case: target.case,
        vs: target.vs,
        ratio: target.ratio,
        actual: target.actual === null ? null : roundTo(target.actual, 4),
        met: target.met,
      })),
    })),
  };
  // Arrays of numbers (the samples) on one line each: hundreds of one-number lines per case
  // would bury everything else in the file and its diffs.
  const text = JSON.stringify(document, null, 2).replace(
    /\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g,
    (_, numbers: string) => `[${numbers.split(/,\s*/).join(', ')}]`,
  );
  return `${text}\n`;
}
