import { type BenchCase, CaseUnavailable } from './harness.js';
import type { MeasureBudget } from './measure-budget.js';
import type { CaseMeasurement, LoadWindow } from './results.js';
import { callWithin, isThenable, settledAt } from './step-timeout.js';
import { LoadWatch } from './system-load.js';

/**
 * The result of the last run is kept here until the next one, so the engine cannot prove it
 * unused and drop the work, and kept objects cost what they really cost; exported so that the
 * write is observable from outside this module.
 */
export let sink: unknown;

interface TimedRun {
  ms: number;
  cpuMs: number;
  result: unknown;
}

function cpuMsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs one case once: the wall time and the process's CPU time (every thread) it took. */
async function timeOneRun(benchCase: BenchCase, budget: MeasureBudget): Promise<TimedRun> {
  const cpuStart = cpuMsNow();
  const start = performance.now();
  const result = benchCase.run();
  if (isThenable(result)) {
    const end = await settledAt(result, budget.stepTimeoutMs, 'run()');
    const cpuMs = cpuMsNow() - cpuStart;
    return { ms: end - start, cpuMs, result: await result };
  }
  const end = performance.now();
  return { ms: end - start, cpuMs: cpuMsNow() - cpuStart, result };
}

/** One run with what surrounds it: the result let go first when the case asks for a clean start, then verified. */
async function oneRun(benchCase: BenchCase, budget: MeasureBudget): Promise<TimedRun> {
  if (benchCase.beforeRun) {
    sink = undefined;
    await callWithin(() => benchCase.beforeRun?.(), budget.stepTimeoutMs, 'beforeRun()');
  }
  const run = await timeOneRun(benchCase, budget);
  sink = run.result;
  await callWithin(() => benchCase.verify?.(run.result), budget.stepTimeoutMs, 'verify()');
  return run;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function collectGarbage(): void {
  // Available when the process is started with --expose-gc (the runner starts every case so):
  // garbage left by setup should not be collected on the runs' time.
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Measures one case: setup, warm-up runs, timed runs within the budget, and teardown, which
 * runs whatever happened before it. Every run's result is verified (untimed). A throw anywhere
 * fails the case (a `CaseUnavailable` from setup skips it); it never escapes.
 */
export async function measureCase(benchCase: BenchCase, budget: MeasureBudget): Promise<CaseMeasurement> {
  const samplesMs: number[] = [];
  const cpuMs: number[] = [];
  const metrics: Record<string, number[]> = {};
  let warmupRuns = 0;
  let error: string | null = null;
  let skipped = false;
  let load: LoadWindow | null = null;
  try {
    try {
      await callWithin(() => benchCase.setup?.(), budget.stepTimeoutMs, 'setup()');
    } catch (caught) {
      if (caught instanceof CaseUnavailable) skipped = true;
      throw caught;
    }
    collectGarbage();

    const warmupStart = performance.now();
    while (
      warmupRuns < budget.warmupMinRuns ||
      (warmupRuns < budget.warmupMaxRuns && performance.now() - warmupStart < budget.warmupMs)
    ) {
      await oneRun(benchCase, budget);
      warmupRuns++;
    }

    const watch = new LoadWatch();
    const sampleStart = performance.now();
    for (;;) {
      const run = await oneRun(benchCase, budget);
      samplesMs.push(run.ms);
      cpuMs.push(run.cpuMs);
      if (benchCase.measure) {
        const figures = await benchCase.measure(run.result);
        for (const [name, value] of Object.entries(figures)) (metrics[name] ??= []).push(value);
      }
      const spent = performance.now() - sampleStart;
      const count = samplesMs.length;
      if (count >= budget.maxSamples) break;
      if (count >= budget.minSamples && spent >= budget.timeMs) break;
      if (count >= budget.floorSamples && spent >= budget.hardTimeMs) break;
    }
    load = watch.stop();
  } catch (caught) {
    error = errorText(caught);
  }
  sink = undefined;
  try {
    await callWithin(() => benchCase.teardown?.(), budget.stepTimeoutMs, 'teardown()');
  } catch (caught) {
    error ??= `teardown: ${errorText(caught)}`;
    skipped = false;
  }
  return {
    status: error === null ? 'ok' : skipped ? 'skipped' : 'failed',
    error: skipped && error !== null ? error.replace(/^CaseUnavailable: /, '') : error,
    warmupRuns,
    samplesMs: error === null ? samplesMs : [],
    cpuMs: error === null ? cpuMs : [],
    metrics: error === null ? metrics : {},
    load,
  };
}
