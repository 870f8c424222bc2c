import { nanosPerUnit, ratioToBaseline } from './comparison.js';
import { formatMs, formatNanos, formatRate, formatRatio, formatTargetRatio, plural } from './formatting.js';
import type { CaseResult, ScenarioResult, SuiteResult, TargetResult } from './results.js';

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function caseRow(scenario: ScenarioResult, result: CaseResult): string {
  const isBaseline = result.name === scenario.baseline;
  const name = isBaseline ? `${result.name} (baseline)` : result.name;
  if (result.status === 'failed' || !result.stats) {
    return `| ${cell(name)} | failed: ${cell(result.error ?? 'no runs')} | | | | | |`;
  }
  const { median, min, max } = result.stats;
  const ratio = ratioToBaseline(scenario, result.name);
  const perUnit = formatNanos(nanosPerUnit(median, scenario.units));
  const rate = median > 0 ? `${formatRate((scenario.units * 1000) / median)}/s` : '–';
  const ratioText = ratio === null ? '–' : formatRatio(ratio);
  return `| ${cell(name)} | ${formatMs(median)} | ${formatMs(min)} | ${formatMs(max)} | ${perUnit} | ${rate} | ${ratioText} |`;
}

function targetLine(target: TargetResult): string {
  const wanted = `\`${target.case}\` at least ${formatTargetRatio(target.ratio)} faster than \`${target.vs}\``;
  if (target.actual === null || target.met === null) return `- ${wanted}: not measured (a case failed)`;
  return `- ${wanted}: ${formatRatio(target.actual)} — **${target.met ? 'met' : 'not met'}**`;
}

/** One scenario's section: heading, what a run does, the table, then its targets. */
export function renderScenarioMarkdown(scenario: ScenarioResult): string {
  const lines = [`## ${scenario.title} (\`${scenario.id}\`)`, ''];
  if (scenario.status === 'failed' && scenario.cases.length === 0) {
    lines.push(`**Failed:** ${scenario.error ?? 'unknown error'}`, '');
    return lines.join('\n');
  }
  lines.push(
    `${scenario.units.toLocaleString('en-US')} ${scenario.units === 1 ? scenario.unit : plural(scenario.unit)} per run; ratio = \`${scenario.baseline}\` median / case median (>1x is faster).`,
    '',
    `| case | median (ms) | min (ms) | max (ms) | per ${cell(scenario.unit)} | ${cell(plural(scenario.unit))}/s | vs baseline |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...scenario.cases.map((result) => caseRow(scenario, result)),
    '',
  );
  if (scenario.targets.length > 0) {
    lines.push('Targets:', '', ...scenario.targets.map(targetLine), '');
  }
  return lines.join('\n');
}

/** The whole Markdown report: where it ran, then one section per scenario in suite order. */
export function renderMarkdown(suite: SuiteResult): string {
  const { machine } = suite;
  const header = [
    '# Herd benchmarks',
    '',
    `${suite.date.slice(0, 10)} · Node ${machine.node} · ${machine.cpu} · ${machine.cores} cores · ` +
      `${machine.memoryGiB} GiB · ${machine.platform}-${machine.arch}${suite.quick ? ' · **quick run**' : ''}`,
    '',
    'Times are per run of the scenario (median of the timed runs, after warm-up).',
    '',
  ];
  if (suite.scenarios.length === 0) header.push('No scenarios were run.', '');
  return `${[...header, ...suite.scenarios.map(renderScenarioMarkdown)].join('\n').trimEnd()}\n`;
}
