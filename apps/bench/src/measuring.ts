import type { BenchCase } from './harness.js';
import type { MeasureBudget } from './measure-budget.js';
import type { CaseResult } from './results.js';
import { summarize } from './statistics.js';
import { callWithin, isThenable, settledAt } from './step-timeout.js';

/**
 * Results of runs are kept here so the engine cannot prove them unused and drop the work;
 * exported so that the write is observable from outside this module.
 */
export let sink: unknown;

/** Runs one case once and returns its duration in ms. */
async function timeOneRun(benchCase: BenchCase, budget: MeasureBudget): Promise<number> {
  const start = performance.now();
  const result = benchCase.run();
  if (isThenable(result)) {
    const end = await settledAt(result, budget.stepTimeoutMs, 'run()');
    sink = result;
    return end - start;
  }
  const end = performance.now();
  sink = result;
  return end - start;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function collectGarbage(): void {
  // Available when the runner is started with --expose-gc: garbage left by the previous case
  // should not be collected on this case's time.
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Measures one case: setup, warm-up runs, timed runs within the budget, and teardown, which
 * runs whatever happened before it. A throw anywhere fails the case; it never escapes.
 */
export async function measureCase(benchCase: BenchCase, budget: MeasureBudget): Promise<CaseResult> {
  const samplesMs: number[] = [];
  let warmupRuns = 0;
  let error: string | null = null;
  try {
    await callWithin(() => benchCase.setup?.(), budget.stepTimeoutMs, 'setup()');
    collectGarbage();

    const warmupStart = performance.now();
    while (
      warmupRuns < budget.warmupMinRuns ||
      (warmupRuns < budget.warmupMaxRuns && performance.now() - warmupStart < budget.warmupMs)
    ) {
      await timeOneRun(benchCase, budget);
      warmupRuns++;
    }

    const sampleStart = performance.now();
    for (;;) {
      samplesMs.push(await timeOneRun(benchCase, budget));
      const spent = performance.now() - sampleStart;
      const count = samplesMs.length;
      if (count >= budget.maxSamples) break;
      if (count >= budget.minSamples && spent >= budget.timeMs) break;
      if (count >= budget.floorSamples && spent >= budget.hardTimeMs) break;
    }
  } catch (caught) {
    error = errorText(caught);
  }
  try {
    await callWithin(() => benchCase.teardown?.(), budget.stepTimeoutMs, 'teardown()');
  } catch (caught) {
    error ??= `teardown: ${errorText(caught)}`;
  }
  sink = undefined;
  const failed = error !== null;
  return {
    name: benchCase.name,
    status: failed ? 'failed' : 'ok',
    error,
    warmupRuns,
    stats: !failed && samplesMs.length > 0 ? summarize(samplesMs) : null,
    samplesMs,
  };
}
