import { msPerUnit, ratioRange, ratioToReference, typicalMs } from './comparison.js';
import { formatCores, formatNanos, formatRatio, formatSpread, pad } from './formatting.js';
import { loadSummary } from './load-text.js';
import type { CaseResult, ScenarioResult, SuiteResult } from './results.js';
import { targetMeasured, targetVerdict, targetWanted } from './target-text.js';

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function othersMax(result: CaseResult): string {
  const values = result.rounds
    .map((r) => r.load?.othersCores)
    .filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? '' : formatCores(Math.max(...values));
}

function caseLine(
  scenario: ScenarioResult,
  result: CaseResult,
  nameWidth: number,
  unitWidth: number,
): string {
  const label = truncate(result.name === scenario.baseline ? `${result.name} *` : result.name, nameWidth);
  if (result.status !== 'ok' || !result.stats) {
    const why = result.status === 'skipped' ? 'skipped' : 'FAILED';
    return `  ${pad(label, nameWidth)}  ${why}: ${truncate(result.error ?? '', 90)}`;
  }
  const perUnit = msPerUnit(result, 'time');
  const { p25, p75 } = result.stats;
  const median = typicalMs(result, 'time') ?? result.stats.median;
  const cpu = typicalMs(result, 'cpu');
  const cores = cpu !== undefined && median > 0 ? formatCores(cpu / median) : '';
  let ratio = '';
  if (result.vs !== null) {
    const value = ratioToReference(scenario, result);
    const range = ratioRange(scenario, result);
    ratio =
      value === null
        ? `– vs ${result.vs}`
        : `${formatRatio(value)}${range ? ` (${formatRatio(range[0])}-${formatRatio(range[1])})` : ''} vs ${truncate(result.vs, 28)}`;
  }
  return (
    `  ${pad(label, nameWidth)}  ${pad(perUnit === null ? '–' : formatNanos(perUnit * 1e6), unitWidth, 'right')}` +
    `  ${pad(formatSpread(p25, p75, median), 6, 'right')}  ${pad(cores, 5, 'right')}  ${pad(othersMax(result), 6, 'right')}` +
    `  ${ratio}${result.verified ? '' : '  (unverified)'}`
  );
}

function scenarioBlock(scenario: ScenarioResult): string[] {
  const lines = [`${scenario.id} — ${scenario.title}`];
  if (scenario.cases.length === 0) return [...lines, `  FAILED: ${scenario.error ?? 'unknown error'}`, ''];
  const nameWidth = Math.min(40, Math.max(17, ...scenario.cases.map((c) => c.name.length + 2)));
  const unitWidth = Math.max(9, scenario.unit.length + 4);
  lines.push(
    `  ${pad('case (* baseline)', nameWidth)}  ${pad(`per ${scenario.unit}`, unitWidth, 'right')}  ${pad('IQR', 6, 'right')}  ${pad('cores', 5, 'right')}  ${pad('others', 6, 'right')}  ratio (rounds)`,
  );
  for (const result of scenario.cases) lines.push(caseLine(scenario, result, nameWidth, unitWidth));
  for (const target of scenario.targets) {
    const mark = target.met === null ? '?' : target.met ? '✓' : '✗';
    lines.push(
      `  ${mark} ${targetWanted(target, scenario.unit, '')}: ${targetMeasured(target)} — ${targetVerdict(target)}`,
    );
  }
  lines.push('');
  return lines;
}

/**
 * The compact table printed at the end of a run: per case the median time a unit, the spread
 * (half the interquartile range, as a share of the median), the cores it kept busy, the most
 * other processes used during its runs, and its ratio (with the range over rounds) to the case
 * it is compared with; then each target and its verdict.
 */
export function renderTerminal(suite: SuiteResult): string {
  const lines = [
    "Columns: time a unit (median of the rounds' medians) · IQR: half the interquartile range / median ·",
    'cores: CPU time / wall time of the whole process · others: most cores other processes used meanwhile ·',
    "ratio: the median of the rounds' ratios to the case named, then their range",
    '',
  ];
  for (const scenario of suite.scenarios) lines.push(...scenarioBlock(scenario));
  lines.push(loadSummary(suite, ''));
  if (suite.provisional.length > 0) lines.push(`Provisional: ${suite.provisional.join('; ')}.`);
  return lines.join('\n');
}
