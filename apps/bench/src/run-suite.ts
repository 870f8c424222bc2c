import { relative } from 'node:path';

import { parseCliOptions, usage } from './cli-options.js';
import { discoverScenarioFiles, isSelected } from './discovery.js';
import { describeMachine } from './machine.js';
import { fullBudget, quickBudget } from './measure-budget.js';
import { renderScenarioMarkdown } from './report-markdown.js';
import type { ScenarioResult, SuiteResult } from './results.js';
import { runScenario } from './run-scenario.js';
import { writeResults } from './write-results.js';

const log = (line: string) => console.log(line);

/** A path relative to where the runner works when it is inside it, else absolute. */
function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || fromHere === '' ? path : fromHere;
}

/**
 * The benchmark runner: finds the built scenarios, measures them, prints the tables and writes
 * the results. Returns the process exit code: 0 when every case ran, 1 when any failed, 2 on a
 * usage error.
 */
export async function runSuite(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (options.help) {
    log(usage);
    return 0;
  }

  const files = (await discoverScenarioFiles(options.scenariosDir)).filter((file) =>
    isSelected(file.fileId, options.only),
  );
  if (files.length === 0) {
    console.error(
      options.only.length > 0
        ? `No scenario matches --only ${options.only.join(', ')}.`
        : `No scenario files found under ${options.scenariosDir}.`,
    );
    // Writing empty results would overwrite the committed ones with nothing.
    return 1;
  }

  const budget = options.quick ? quickBudget : fullBudget;
  const started = performance.now();
  log(`Running ${files.length} scenario file(s)${options.quick ? ' (quick)' : ''}, node ${process.version}`);
  // Discovery order (package by package, memory first, files by name) is the report order too,
  // so result files only change where a measurement did.
  const scenarios: ScenarioResult[] = [];
  for (const file of files) {
    const result = await runScenario(file, options.quick, budget, log);
    if (result !== null) scenarios.push(result);
  }

  const suite: SuiteResult = {
    date: new Date().toISOString(),
    quick: options.quick,
    machine: describeMachine(),
    scenarios,
  };
  log('');
  for (const scenario of scenarios) log(renderScenarioMarkdown(scenario));
  const written = await writeResults(suite, options.resultsDir, options.jsonPath);

  const failedCases = scenarios.flatMap((s) =>
    s.cases.length === 0
      ? [s.id]
      : s.cases.filter((c) => c.status === 'failed').map((c) => `${s.id} · ${c.name}`),
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`Wrote ${written.map(shortPath).join(', ')}`);
  if (options.quick && Number(seconds) > 120) {
    log(
      `Warning: the quick suite took ${seconds} s, over its two-minute budget; shrink the slowest scenarios' quick inputs.`,
    );
  }
  if (failedCases.length > 0) {
    log(`${failedCases.length} failed in ${seconds} s: ${failedCases.join(', ')}`);
    return 1;
  }
  log(`All ${scenarios.reduce((sum, s) => sum + s.cases.length, 0)} cases ran in ${seconds} s.`);
  return 0;
}
