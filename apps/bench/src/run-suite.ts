import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';

import { type CliOptions, parseCliOptions, usage } from './cli-options.js';
import { discoverScenarioFiles, isSelected, type ScenarioFile } from './discovery.js';
import { formatCores, formatMs, formatNanos } from './formatting.js';
import type { ScenarioOutline } from './harness.js';
import { describeMachine } from './machine.js';
import { fullBudget, type MeasureBudget, quickBudget } from './measure-budget.js';
import { assessLoad, BUSY_CORES, provisionalReasons, SETTLED_CORES } from './noise.js';
import { updateReadmes } from './readme-update.js';
import { renderTerminal } from './report-terminal.js';
import type { RoundResult, ScenarioResult, SuiteResult } from './results.js';
import { failedScenario, outlineScenario, roundOrder, runCaseRound, scenarioResult } from './run-scenario.js';
import { median, quantile } from './statistics.js';
import { suiteFromJson } from './suite-from-json.js';
import { waitForQuiet } from './system-load.js';
import { writeResults } from './write-results.js';

const log = (line: string) => console.log(line);

/** A path relative to where the runner works when it is inside it, else absolute. */
function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || fromHere === '' ? path : fromHere;
}

function progressLine(outline: ScenarioOutline, name: string, round: RoundResult): string {
  const where = `r${round.round} ${outline.id} · ${name}`;
  const took = `(${(round.wallMs / 1000).toFixed(1)} s)`;
  if (round.status === 'skipped') return `  skip ${where}: ${round.error} ${took}`;
  if (round.status === 'failed') return `  FAIL ${where}: ${round.error} ${took}`;
  const sorted = [...round.samplesMs].sort((a, b) => a - b);
  const mid = quantile(sorted, 0.5);
  const units = outline.cases.find((c) => c.name === name)?.units ?? outline.units;
  const cores = mid > 0 ? median(round.cpuMs) / mid : 0;
  const others = round.load?.othersCores;
  return (
    `  ok   ${where}: ${formatMs(mid)} ms (IQR ${formatMs(quantile(sorted, 0.25))}-${formatMs(quantile(sorted, 0.75))}), ` +
    `${formatNanos((mid * 1e6) / units)}/${outline.unit}, CPU ${formatCores(cores)} cores, ${sorted.length} runs, ` +
    `others ${others === null || others === undefined ? '?' : `${formatCores(others)} cores`} ${took}`
  );
}

/** How the run was asked for, to print and to record beside its figures. */
function commandOf(options: CliOptions): string {
  const parts = ['pnpm bench'];
  const extra: string[] = [];
  if (options.quick) extra.push('--quick');
  for (const prefix of options.only) extra.push('--only', prefix);
  if (options.rounds !== null) extra.push('--rounds', String(options.rounds));
  if (options.waitQuietS > 0) extra.push('--wait-quiet', String(options.waitQuietS));
  if (options.update) extra.push('--update');
  if (extra.length > 0) parts.push('--', ...extra);
  return parts.join(' ');
}

/** Times a case-round disturbed by other processes is measured again under --wait-quiet. */
const RETRIES = 2;

function disturbed(result: RoundResult): boolean {
  const others = result.load?.othersCores;
  return result.status === 'ok' && typeof others === 'number' && others > BUSY_CORES;
}

/** One case-round, started once the machine is quiet (or `waitQuietS` has passed). */
async function measureWhenQuiet(
  file: ScenarioFile,
  caseName: string,
  round: number,
  position: number,
  quick: boolean,
  budget: MeasureBudget,
  waitQuietS: number,
): Promise<RoundResult> {
  if (waitQuietS > 0) {
    const waited = await waitForQuiet(SETTLED_CORES, waitQuietS * 1000);
    if (waited > 1000) log(`  (waited ${(waited / 1000).toFixed(0)} s for the machine to go quiet)`);
  }
  return runCaseRound(file, caseName, round, position, quick, budget);
}

interface Planned {
  file: ScenarioFile;
  outline: ScenarioOutline;
  rounds: Map<string, RoundResult[]>;
}

/** Runs every case of every scenario, round after round, each case in a fresh process. */
async function runRounds(
  planned: Planned[],
  rounds: number,
  quick: boolean,
  budget: MeasureBudget,
  waitQuietS: number,
) {
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) log(`Round ${round} of ${rounds}`);
    for (const { file, outline, rounds: byCase } of planned) {
      const order = roundOrder(outline.cases, round);
      for (const [index, c] of order.entries()) {
        const earlier = byCase.get(c.name) ?? [];
        // A case that could not run once will not run better later: its time goes to the others.
        if (earlier.some((r) => r.status !== 'ok')) continue;
        let result = await measureWhenQuiet(file, c.name, round, index + 1, quick, budget, waitQuietS);
        // On a shared machine (--wait-quiet), a round that other processes disturbed is measured
        // again, twice at most, and the least disturbed attempt kept: the choice looks at the
        // machine's load only, never at the figures.
        let attempts = 1;
        for (; waitQuietS > 0 && attempts <= RETRIES && disturbed(result); attempts++) {
          log(`  (others used ${formatCores(result.load!.othersCores!)} cores meanwhile: measuring again)`);
          const again = await measureWhenQuiet(file, c.name, round, index + 1, quick, budget, waitQuietS);
          if (again.status !== 'ok' || (again.load?.othersCores ?? 0) < (result.load?.othersCores ?? 0))
            result = again;
          if (again.status !== 'ok') break;
        }
        result.attempts = attempts;
        byCase.set(c.name, [...earlier, result]);
        log(progressLine(outline, c.name, result));
      }
    }
  }
}

/**
 * The benchmark runner: finds the built scenarios, measures every case in its own process,
 * round after round, prints a compact table and writes the results. Returns the process exit
 * code: 0 when every case ran (or was skipped), 1 when any failed, 2 on a usage error.
 */
export async function runSuite(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
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
  if (options.render) {
    const source = join(options.resultsDir, 'latest.json');
    const suite = suiteFromJson(await readFile(source, 'utf8'));
    const written = await writeResults(suite, options.resultsDir, null, false);
    written.push(...(await updateReadmes(suite)));
    log(`Rendered from ${shortPath(source)}: ${written.map(shortPath).join(', ')}`);
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
    return 1;
  }

  const budget = options.quick ? quickBudget : fullBudget;
  const rounds = options.rounds ?? budget.rounds;
  const started = performance.now();
  const loadavgStart = loadavg();
  log(
    `Running ${files.length} scenario file(s), ${rounds} round(s)${options.quick ? ', quick' : ''}, ` +
      `node ${process.version}; load average ${loadavgStart.map((l) => l.toFixed(2)).join(' ')}`,
  );

  // Discovery order (package by package, memory first, files by name) is the report order too.
  const planned: Planned[] = [];
  const unloadable = new Map<string, ScenarioResult>();
  for (const file of files) {
    const outlined = await outlineScenario(file, options.quick);
    if (outlined.kind === 'helper') continue;
    if (outlined.kind === 'error') {
      log(`  FAIL ${file.fileId}: ${outlined.error}`);
      unloadable.set(file.fileId, failedScenario(file, outlined.error));
      continue;
    }
    if (outlined.outline.id !== file.fileId) {
      log(
        `  note ${file.relativePath} declares id '${outlined.outline.id}'; ids should match their file path`,
      );
    }
    planned.push({ file, outline: outlined.outline, rounds: new Map() });
  }

  await runRounds(planned, rounds, options.quick, budget, options.waitQuietS);

  const scenarios: ScenarioResult[] = files.flatMap((file) => {
    const failed = unloadable.get(file.fileId);
    if (failed) return [failed];
    const plan = planned.find((p) => p.file === file);
    return plan ? [scenarioResult(plan.file, plan.outline, plan.rounds, rounds)] : [];
  });
  const load = assessLoad(scenarios, loadavgStart, loadavg());
  const failedCases = scenarios.flatMap((s) =>
    s.cases.length === 0
      ? [s.id]
      : s.cases.filter((c) => c.status === 'failed').map((c) => `${s.id} · ${c.name}`),
  );
  const durationS = Math.round((performance.now() - started) / 100) / 10;
  const suite: SuiteResult = {
    date: new Date().toISOString(),
    quick: options.quick,
    rounds,
    only: options.only,
    command: commandOf(options),
    machine: describeMachine(),
    load,
    provisional: provisionalReasons({
      quick: options.quick,
      only: options.only,
      load,
      failed: failedCases.length,
    }),
    durationS,
    scenarios,
  };
  log('');
  log(renderTerminal(suite));
  const written = await writeResults(suite, options.resultsDir, options.jsonPath, !options.update);
  if (options.update) written.push(...(await updateReadmes(suite)));
  log(`Wrote ${written.map(shortPath).join(', ')}`);
  if (options.quick && durationS > 120) {
    log(
      `Warning: the quick suite took ${durationS} s, over its two-minute budget; shrink the slowest scenarios' quick inputs.`,
    );
  }
  if (failedCases.length > 0) {
    log(`${failedCases.length} failed in ${durationS} s: ${failedCases.join(', ')}`);
    return 1;
  }
  const cases = scenarios.reduce((sum, s) => sum + s.cases.length, 0);
  log(`All ${cases} cases ran (or were skipped) in ${durationS} s.`);
  return 0;
}
