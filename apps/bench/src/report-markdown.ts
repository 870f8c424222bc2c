import { msPerUnit, ratioRange, ratioToReference, typicalMs } from './comparison.js';
import { formatCores, formatMs, formatNanos, formatRatio, plural } from './formatting.js';
import { loadSummary } from './load-text.js';
import type { CaseResult, ScenarioResult, SuiteResult, TargetResult } from './results.js';
import { targetMeasured, targetVerdict, targetWanted } from './target-text.js';

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function unitsText(units: number, unit: string): string {
  return `${units.toLocaleString('en-US')} ${units === 1 ? unit : plural(unit)}`;
}

function othersText(result: CaseResult): string {
  const values = result.rounds
    .map((r) => r.load?.othersCores)
    .filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? '?' : formatCores(Math.max(...values));
}

function caseRow(scenario: ScenarioResult, result: CaseResult): string {
  let name = result.name === scenario.baseline ? `${result.name} (baseline)` : result.name;
  if (!result.verified) name += ' †';
  if (result.status !== 'ok' || !result.stats) {
    const why = result.status === 'skipped' ? 'skipped' : 'failed';
    return `| ${cell(name)} | ${why}: ${cell(result.error ?? 'no runs')} | | | | | | | |`;
  }
  const { p25, p75, min, max } = result.stats;
  const median = typicalMs(result, 'time') ?? result.stats.median;
  const perUnit = msPerUnit(result, 'time');
  const cpuPerUnit = msPerUnit(result, 'cpu');
  const cpu =
    cpuPerUnit === null || !result.cpu
      ? '–'
      : `${formatNanos(cpuPerUnit * 1e6)} (${formatCores((typicalMs(result, 'cpu') ?? 0) / median)})`;
  let ratio = '–';
  let vs = '–';
  if (result.vs !== null) {
    const value = ratioToReference(scenario, result);
    const range = ratioRange(scenario, result);
    vs = result.vs;
    if (value !== null) {
      ratio = range
        ? `${formatRatio(value)} (${formatRatio(range[0])}-${formatRatio(range[1])})`
        : formatRatio(value);
    }
  }
  return (
    `| ${cell(name)} | ${perUnit === null ? '–' : formatNanos(perUnit * 1e6)} | ${cpu} | ${formatMs(median)} | ` +
    `${formatMs(p25)}-${formatMs(p75)} | ${formatMs(min)}-${formatMs(max)} | ${ratio} | ${cell(vs)} | ${othersText(result)} |`
  );
}

function metricsTable(scenario: ScenarioResult): string[] {
  const names = [...new Set(scenario.cases.flatMap((c) => Object.keys(c.metrics)))];
  if (names.length === 0) return [];
  const rows = scenario.cases
    .filter((c) => Object.keys(c.metrics).length > 0)
    .map((c) => {
      const cells = names.map((name) => {
        const stats = c.metrics[name];
        return stats ? `${formatMs(stats.median)} (${formatMs(stats.min)}-${formatMs(stats.max)})` : '–';
      });
      return `| ${cell(c.name)} | ${cells.join(' | ')} |`;
    });
  return [
    'Measured after each timed run, while its result was alive (median, min-max):',
    '',
    `| case | ${names.map(cell).join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
  ];
}

function targetLine(target: TargetResult, unit: string): string {
  const verdict = targetVerdict(target);
  const strong = target.met === null ? verdict : `**${verdict}**`;
  return `- ${targetWanted(target, unit)}: ${targetMeasured(target)} — ${strong}`;
}

/** One scenario's section: heading, what a run does, the table, notes, extra figures, then its targets. */
export function renderScenarioMarkdown(scenario: ScenarioResult): string {
  const lines = [`## ${scenario.title} (\`${scenario.id}\`)`, ''];
  if (scenario.cases.length === 0) {
    lines.push(`**Failed:** ${scenario.error ?? 'unknown error'}`, '');
    return lines.join('\n');
  }
  const otherUnits = scenario.cases
    .filter((c) => c.units !== scenario.units)
    .map((c) => `\`${c.name}\`: ${unitsText(c.units, scenario.unit)}`);
  lines.push(
    `${unitsText(scenario.units, scenario.unit)} per run${otherUnits.length > 0 ? ` (${otherUnits.join('; ')})` : ''}.`,
    '',
    `| case | per ${cell(scenario.unit)} | CPU per ${cell(scenario.unit)} (cores) | median (ms) | IQR (ms) | min-max (ms) | ratio (rounds) | vs | others (cores) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...scenario.cases.map((result) => caseRow(scenario, result)),
    '',
  );
  const notes = scenario.cases.filter((c) => c.note !== null);
  if (notes.length > 0) {
    lines.push(...notes.map((c) => `- \`${c.name}\`: ${c.note}`), '');
  }
  if (scenario.cases.some((c) => !c.verified)) {
    lines.push('† does not verify its result.', '');
  }
  lines.push(...metricsTable(scenario));
  if (scenario.targets.length > 0) {
    lines.push('Targets:', '', ...scenario.targets.map((t) => targetLine(t, scenario.unit)), '');
  }
  return lines.join('\n');
}

/** The whole Markdown report: how and where it ran, how busy the machine was, then one section per scenario. */
export function renderMarkdown(suite: SuiteResult): string {
  const { machine } = suite;
  const header = ['# Herd benchmarks', ''];
  if (suite.provisional.length > 0) {
    header.push(`> **Provisional figures:** ${suite.provisional.join('; ')}.`, '');
  }
  header.push(
    `${suite.date.slice(0, 10)} · Node ${machine.node} · ${machine.cpu} · ${machine.cores} cores · ` +
      `${machine.memoryGiB} GiB · ${machine.platform}-${machine.arch}${suite.quick ? ' · **quick run**' : ''}`,
    '',
    `\`${suite.command}\`: ${suite.rounds} round(s) in ${Math.round(suite.durationS)} s. Every case ran in a ` +
      'process of its own, once a round, in an order that rotates from round to round; after a warm-up ' +
      'it took its timed runs, and verified what every run produced.',
    '',
    loadSummary(suite),
    '',
    "Columns: the time a unit (the median of the rounds' medians); the CPU time a unit of the whole " +
      'process (every thread), with the cores that makes (CPU time / wall time); that median in ms a run, ' +
      'then the interquartile range and extremes of every run of every round; the ratio to the case named under "vs" (its time a unit / this ' +
      "case's, >1x is faster: the median of the rounds' ratios, then the lowest and highest); the most cores other " +
      'processes used during the timed runs of any round. A target is met only when it is met in every round.',
    '',
  );
  if (suite.scenarios.length === 0) header.push('No scenarios were run.', '');
  return `${[...header, ...suite.scenarios.map(renderScenarioMarkdown)].join('\n').trimEnd()}\n`;
}
