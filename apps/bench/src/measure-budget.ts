/**
 * How long the runner spends on one case in one round. Warm-up runs until it has done
 * `warmupMinRuns` runs and spent `warmupMs` (at most `warmupMaxRuns`). Timed runs stop once there
 * are `minSamples` of them and `timeMs` has passed, or at `maxSamples`; a slow case stops after
 * `hardTimeMs` once it has `floorSamples` runs, so one slow case cannot eat the suite's time.
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
  /** Rounds: every case runs once a round, each time in a fresh process, in an order that rotates. */
  rounds: number;
}

/**
 * At least 10 timed runs after a second of warm-up (long enough for a pool's threads to start,
 * compile their code and reach their steady state), three rounds so that a target is judged
 * three times and every case runs early, middle and late in its scenario's order.
 */
export const fullBudget: MeasureBudget = {
  warmupMinRuns: 3,
  warmupMaxRuns: 5000,
  warmupMs: 1000,
  minSamples: 10,
  maxSamples: 300,
  timeMs: 1000,
  hardTimeMs: 10_000,
  floorSamples: 10,
  stepTimeoutMs: 60_000,
  rounds: 3,
};

/** For checking that every case runs: one round, a few runs each; the whole suite in under two minutes. */
export const quickBudget: MeasureBudget = {
  warmupMinRuns: 1,
  warmupMaxRuns: 50,
  warmupMs: 100,
  minSamples: 5,
  maxSamples: 100,
  timeMs: 150,
  hardTimeMs: 1000,
  floorSamples: 3,
  stepTimeoutMs: 20_000,
  rounds: 1,
};
