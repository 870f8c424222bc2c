/**
 * The shape of a suite's results: what the runner measured, before any report is made from it.
 * The JSON report writes these fields in this order, so keep new fields at the end.
 */

/** Summary of the timed runs of one case, in milliseconds per run. */
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

export interface CaseResult {
  name: string;
  status: 'ok' | 'failed';
  error: string | null;
  warmupRuns: number;
  /** Null when the case failed before any timed run finished. */
  stats: SampleStats | null;
  samplesMs: number[];
}

export interface TargetResult {
  case: string;
  vs: string;
  /** The ratio the issue asks for. */
  ratio: number;
  /** The measured `vs` median / `case` median; null when either case failed. */
  actual: number | null;
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

export interface SuiteResult {
  date: string;
  quick: boolean;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}
