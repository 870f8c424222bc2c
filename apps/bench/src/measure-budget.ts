/**
 * How long the runner spends on one case. A case stops sampling once it has `minSamples` runs
 * and has used `timeMs`, or at `maxSamples`; a slow case stops after `hardTimeMs` with at least
 * `floorSamples` runs, so one slow case cannot eat the suite's time.
 */
export interface MeasureBudget {
  warmupMinRuns: number;
  warmupMaxRuns: number;
  warmupMs: number;
  minSamples: number;
  maxSamples: number;
  timeMs: number;
  hardTimeMs: number;
  floorSamples: number;
  /** A single run (or setup, or teardown) taking longer than this is taken to hang and fails the case. */
  stepTimeoutMs: number;
}

/** Enough runs for a median that moves by a few percent at most between suite runs. */
export const fullBudget: MeasureBudget = {
  warmupMinRuns: 3,
  warmupMaxRuns: 50,
  warmupMs: 300,
  minSamples: 15,
  maxSamples: 500,
  timeMs: 2000,
  hardTimeMs: 8000,
  floorSamples: 5,
  stepTimeoutMs: 60_000,
};

/** Sized so that the whole suite (some 50 cases with setup) stays well under two minutes. */
export const quickBudget: MeasureBudget = {
  warmupMinRuns: 1,
  warmupMaxRuns: 10,
  warmupMs: 60,
  minSamples: 5,
  maxSamples: 100,
  timeMs: 300,
  hardTimeMs: 1500,
  floorSamples: 3,
  stepTimeoutMs: 20_000,
};
