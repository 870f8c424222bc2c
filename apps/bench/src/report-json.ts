import { msPerUnit, ratioToReference } from './comparison.js';
import { roundTo } from './formatting.js';
import type {
  CaseResult,
  LoadWindow,
  RoundResult,
  SampleStats,
  ScenarioResult,
  SuiteResult,
} from './results.js';

/** ms values keep 6 decimals (1 ns), raw samples too, so that tables can be remade from the file. */
const statDecimals = 6;
const sampleDecimals = 6;

function roundStats(stats: SampleStats | null): SampleStats | null {
  if (stats === null) return null;
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

function roundLoad(load: LoadWindow | null) {
  if (load === null) return null;
  const r = (v: number | null) => (v === null ? null : roundTo(v, 3));
  return {
    loadavgStart: roundTo(load.loadavgStart, 2),
    loadavgEnd: roundTo(load.loadavgEnd, 2),
    othersCores: r(load.othersCores),
    stealCores: r(load.stealCores),
  };
}

function samples(values: number[]): number[] {
  return values.map((v) => roundTo(v, sampleDecimals));
}

function roundJson(scenario: ScenarioResult, result: CaseResult, round: RoundResult) {
  const ratio = ratioToReference(scenario, result, round.round);
  return {
    round: round.round,
    position: round.position,
    status: round.status,
    error: round.error,
    warmupRuns: round.warmupRuns,
    ratio: ratio === null ? null : roundTo(ratio, 4),
    load: roundLoad(round.load),
    wallMs: Math.round(round.wallMs),
    attempts: round.attempts,
    samplesMs: samples(round.samplesMs),
    cpuMs: samples(round.cpuMs),
    metrics: Object.fromEntries(Object.entries(round.metrics).map(([k, v]) => [k, samples(v)])),
  };
}

function caseJson(scenario: ScenarioResult, result: CaseResult) {
  const ratio = ratioToReference(scenario, result);
  const perUnit = msPerUnit(result, 'time');
  const cpuPerUnit = msPerUnit(result, 'cpu');
  return {
    name: result.name,
    note: result.note,
    units: result.units,
    vs: result.vs,
    verified: result.verified,
    status: result.status,
    error: result.error,
    statsMs: roundStats(result.stats),
    cpuStatsMs: roundStats(result.cpu),
    nsPerUnit: perUnit === null ? null : roundTo(perUnit * 1e6, 3),
    cpuNsPerUnit: cpuPerUnit === null ? null : roundTo(cpuPerUnit * 1e6, 3),
    unitsPerSecond: perUnit === null ? null : Math.round(1000 / perUnit),
    ratio: ratio === null ? null : roundTo(ratio, 4),
    metrics: Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, roundStats(v)])),
    rounds: result.rounds.map((round) => roundJson(scenario, result, round)),
  };
}

/**
 * The JSON report. Objects are built field by field so the key order is fixed, and numbers are
 * rounded so that a file only changes where a measurement did.
 */
export function renderJson(suite: SuiteResult): string {
  const r3 = (v: number | null) => (v === null ? null : roundTo(v, 3));
  const document = {
    date: suite.date,
    quick: suite.quick,
    rounds: suite.rounds,
    only: suite.only,
    command: suite.command,
    machine: suite.machine,
    load: {
      ...suite.load,
      loadavgStart: suite.load.loadavgStart.map((v) => roundTo(v, 2)),
      loadavgEnd: suite.load.loadavgEnd.map((v) => roundTo(v, 2)),
      othersMean: r3(suite.load.othersMean),
      othersMax: r3(suite.load.othersMax),
      stealMax: r3(suite.load.stealMax),
    },
    provisional: suite.provisional,
    durationS: suite.durationS,
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
        ...target,
        actual: target.actual === null ? null : roundTo(target.actual, 4),
        perRound: target.perRound.map((v) => (v === null ? null : roundTo(v, 4))),
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
