/**
 * The shape of a suite's results: what the runner measured, before any report is made from it.
 * The JSON report writes these fields in this order, so keep new fields at the end.
 */

import type { ScenarioTarget } from './harness.js';

/** Summary of a list of figures (ms per run, CPU ms per run, or a case's own metric). */
export interface SampleStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p25: number;
  p75: number;
  stddev: number;
  /** Median absolute deviation: how far runs typically stray from the median, robust to outliers. */
  mad: number;
}

/**
 * How busy the machine was while a case took its timed runs. Our own process is left out of
 * `othersCores`, so it measures the noise, not the work.
 */
export interface LoadWindow {
  /** 1-minute load average (which counts our own threads too) when the timed runs began and ended. */
  loadavgStart: number;
  loadavgEnd: number;
  /** Cores kept busy by every other process, on average over the timed runs; null where /proc/stat is missing. */
  othersCores: number | null;
  /** Cores the hypervisor took away (steal time), on average; null where unknown. */
  stealCores: number | null;
}

/** What one process measured of one case. */
export interface CaseMeasurement {
  status: 'ok' | 'failed' | 'skipped';
  error: string | null;
  warmupRuns: number;
  samplesMs: number[];
  /** CPU time of the whole process (all threads, user + system) during each timed run, ms. */
  cpuMs: number[];
  /** The case's own figures (`measure`), one value per timed run. */
  metrics: Record<string, number[]>;
  /** Null when the case failed before its timed runs. */
  load: LoadWindow | null;
}

/** One case in one round: everything one process measured. */
export interface RoundResult extends CaseMeasurement {
  /** 1-based. */
  round: number;
  /** Where the case ran in its scenario's order that round, 1-based (the order rotates by round). */
  position: number;
  /** The process's whole life, start to exit, ms. */
  wallMs: number;
  /** How many times the case was measured this round: more than 1 when other processes disturbed it (--wait-quiet). */
  attempts: number;
}

export interface CaseResult {
  name: string;
  note: string | null;
  units: number;
  /** The case this one is compared with in the tables; null for the baseline and other references. */
  vs: string | null;
  /** Whether the case checks what its runs produce. */
  verified: boolean;
  status: 'ok' | 'failed' | 'skipped';
  error: string | null;
  rounds: RoundResult[];
  /** Every timed run of every round pooled; null when no round finished. */
  stats: SampleStats | null;
  cpu: SampleStats | null;
  metrics: Record<string, SampleStats>;
}

export interface TargetResult extends ScenarioTarget {
  /** `'time'` unless the target compares CPU. */
  metric: 'time' | 'cpu';
  kind: 'goal' | 'stretch';
  /**
   * The measured figure over all rounds pooled: a speedup (`vs` time a unit / `case` time a
   * unit) for `ratio` and `within` targets, nanoseconds a unit for `atMostNs`; null when unknown.
   */
  actual: number | null;
  /** The same figure round by round (null for a round where either case has no runs). */
  perRound: Array<number | null>;
  /** Rounds in which the target was met, out of `roundsJudged`. */
  metRounds: number;
  roundsJudged: number;
  /** Met in every round judged; null when no round could be judged. */
  met: boolean | null;
}

export interface ScenarioResult {
  id: string;
  /** The built file the scenario came from, relative to the scenarios directory. */
  file: string;
  title: string;
  units: number;
  unit: string;
  baseline: string;
  status: 'ok' | 'failed';
  /** Why the scenario could not run at all (import, factory or validation error). */
  error: string | null;
  cases: CaseResult[];
  targets: TargetResult[];
}

export interface MachineInfo {
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
}

/** How noisy the whole run was, from every case's load window. */
export interface SuiteLoad {
  /** `os.loadavg()` (1, 5, 15 minutes) when the suite started and when it ended. */
  loadavgStart: number[];
  loadavgEnd: number[];
  /** Other processes' cores, averaged over every case's timed runs; null where unknown. */
  othersMean: number | null;
  /** The busiest case window, and where it was. */
  othersMax: number | null;
  othersMaxAt: string | null;
  stealMax: number | null;
  /** `quiet`: figures can be committed; `some load`: compare with care; `busy`: provisional. */
  verdict: 'quiet' | 'some load' | 'busy' | 'unknown';
}

export interface SuiteResult {
  date: string;
  quick: boolean;
  /** Rounds run: every case ran once a round, each time in a fresh process. */
  rounds: number;
  /** The `--only` prefixes when the run covered part of the suite, else empty. */
  only: string[];
  /** How the run was started, to repeat it. */
  command: string;
  machine: MachineInfo;
  load: SuiteLoad;
  /** Why these figures are not final, empty when they are. */
  provisional: string[];
  durationS: number;
  scenarios: ScenarioResult[];
}
