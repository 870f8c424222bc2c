import { evaluateTargets } from './comparison.js';
import type { ScenarioFile } from './discovery.js';
import { formatMs, formatNanos } from './formatting.js';
import type { Scenario } from './harness.js';
import { loadScenario } from './load-scenario.js';
import type { MeasureBudget } from './measure-budget.js';
import { measureCase } from './measuring.js';
import type { CaseResult, ScenarioResult } from './results.js';

function progressLine(scenario: Scenario, result: CaseResult, elapsedMs: number): string {
  const where = `${scenario.id} · ${result.name}`;
  const took = `(${(elapsedMs / 1000).toFixed(1)} s)`;
  if (result.status === 'failed' || !result.stats) return `  FAIL ${where}: ${result.error} ${took}`;
  const { median, count } = result.stats;
  return `  ok   ${where}: ${formatMs(median)} ms/run, ${formatNanos((median * 1e6) / scenario.units)}/${scenario.unit}, ${count} runs ${took}`;
}

/**
 * Loads one scenario file and measures its cases in order, printing a line per case as it goes.
 * Returns null for a helper module (no default export).
 */
export async function runScenario(
  file: ScenarioFile,
  quick: boolean,
  budget: MeasureBudget,
  log: (line: string) => void,
): Promise<ScenarioResult | null> {
  const loaded = await loadScenario(file, quick);
  if (loaded.kind === 'helper') {
    log(`  skip ${file.relativePath}: no default export, so a helper module rather than a scenario`);
    return null;
  }
  if (loaded.kind === 'error') {
    log(`  FAIL ${file.fileId}: ${loaded.error}`);
    return {
      id: file.fileId,
      file: file.relativePath,
      title: file.fileId,
      units: 0,
      unit: '',
      baseline: '',
      status: 'failed',
      error: loaded.error,
      cases: [],
      targets: [],
    };
  }
  const { scenario } = loaded;
  if (scenario.id !== file.fileId) {
    log(`  note ${file.relativePath} declares id '${scenario.id}'; ids should match their file path`);
  }
  log(`${scenario.id} — ${scenario.title}`);
  // In sequence, each case alone on the machine: one case's worker pool never competes for the
  // cores with another's, and teardown frees them before the next case starts.
  const cases: CaseResult[] = [];
  for (const benchCase of scenario.cases) {
    const start = performance.now();
    const result = await measureCase(benchCase, budget);
    cases.push(result);
    log(progressLine(scenario, result, performance.now() - start));
  }
  const failed = cases.some((result) => result.status === 'failed');
  return {
    id: scenario.id,
    file: file.relativePath,
    title: scenario.title,
    units: scenario.units,
    unit: scenario.unit,
    baseline: scenario.baseline,
    status: failed ? 'failed' : 'ok',
    error: null,
    cases,
    targets: evaluateTargets(scenario.targets ?? [], cases),
  };
}
