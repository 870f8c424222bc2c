import { ratioToBaseline, speedup, targetOnBaselineAxis } from './comparison.js';
import { formatRatio, plural } from './formatting.js';
import { type LogScale, logScale, tickLabel } from './log-scale.js';
import type { CaseResult, ScenarioResult, SuiteResult, TargetResult } from './results.js';
import { targetShort } from './target-text.js';

const width = 960;
const pad = 24;
const headerHeight = 86;
const groupHeadingHeight = 30;
const rowHeight = 24;
const barHeight = 14;
const groupGap = 10;
const legendHeight = 44;
/** Room beside a bar's end for its value label, on both sides of the chart. */
const valueGutter = 52;
const font = "-apple-system,BlinkMacSystemFont,'Segoe UI','Noto Sans',Helvetica,Arial,sans-serif";

/**
 * Light colours by default and dark ones under prefers-color-scheme, both on an opaque
 * background: the chart stays readable wherever GitHub shows it, even where the media query is
 * not honoured. Colours follow GitHub's Primer palette.
 */
const style = `
.bg{fill:#ffffff;stroke:#d1d9e0}
.text{fill:#1f2328}
.muted{fill:#59636e}
.grid{stroke:#d1d9e0;stroke-width:1}
.one{stroke:#1f2328;stroke-width:1.5}
.faster{fill:#0969da}
.slower{fill:#bf8700}
.base{fill:#59636e}
.bad{fill:#cf222e}
.good{fill:#1a7f37}
.met{stroke:#1a7f37;stroke-width:3}
.unmet{stroke:#cf222e;stroke-width:3}
@media (prefers-color-scheme: dark){
.bg{fill:#0d1117;stroke:#3d444d}
.text{fill:#f0f6fc}
.muted{fill:#9198a1}
.grid{stroke:#3d444d}
.one{stroke:#f0f6fc}
.faster{fill:#4493f8}
.slower{fill:#d29922}
.base{fill:#9198a1}
.bad{fill:#f85149}
.good{fill:#3fb950}
.met{stroke:#3fb950}
.unmet{stroke:#f85149}
}`;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates with one decimal: enough for a screen, and stable text between runs. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A rough width for sans-serif text, used only to size the label column. */
function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.58;
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

function targetsOf(scenario: ScenarioResult, caseName: string): TargetResult[] {
  return scenario.targets.filter((target) => target.case === caseName);
}

function targetNote(target: TargetResult): { text: string; className: string } {
  const wanted = truncate(targetShort(target), 34);
  if (target.met === null) return { text: `${wanted}: n/a`, className: 'muted' };
  const rounds = target.roundsJudged > 1 ? ` ${target.metRounds}/${target.roundsJudged}` : '';
  return target.met
    ? { text: `${wanted} ✓${rounds}`, className: 'good' }
    : { text: `${wanted} ✗${rounds}`, className: 'bad' };
}

/** The lowest and highest ratio to the baseline over the rounds, for the whisker on a bar. */
function baselineRange(scenario: ScenarioResult, result: CaseResult): [number, number] | null {
  const ratios = result.rounds
    .map((r) => speedup(scenario.cases, result.name, scenario.baseline, 'time', r.round))
    .filter((v): v is number => v !== null);
  return ratios.length < 2 ? null : [Math.min(...ratios), Math.max(...ratios)];
}

interface Columns {
  labelRight: number;
  chartLeft: number;
  chartRight: number;
  noteLeft: number;
}

function caseRow(
  scenario: ScenarioResult,
  result: CaseResult,
  top: number,
  scale: LogScale,
  columns: Columns,
  height: number,
): string[] {
  const middle = top + height / 2;
  const parts: string[] = [];
  const label = truncate(result.name, 40);
  parts.push(
    `<text class="text" x="${n(columns.labelRight)}" y="${n(middle + 4)}" text-anchor="end" font-size="12">${escapeXml(label)}</text>`,
  );
  const one = scale.x(1);
  const ratio = ratioToBaseline(scenario, result.name);
  if (result.status !== 'ok' || ratio === null) {
    const why = result.status === 'skipped' ? 'skipped' : 'failed';
    parts.push(
      `<text class="${why === 'skipped' ? 'muted' : 'bad'}" x="${n(one + 6)}" y="${n(middle + 4)}" font-size="12">${why}</text>`,
    );
  } else if (result.name === scenario.baseline) {
    const d = 5;
    parts.push(
      `<path class="base" d="M${n(one)} ${n(middle - d)}L${n(one + d)} ${n(middle)}L${n(one)} ${n(middle + d)}L${n(one - d)} ${n(middle)}Z"/>`,
      `<text class="muted" x="${n(one + 9)}" y="${n(middle + 4)}" font-size="11">baseline</text>`,
    );
  } else {
    const end = scale.x(ratio);
    const faster = ratio >= 1;
    const x = Math.min(one, end);
    const barWidth = Math.max(1, Math.abs(end - one));
    parts.push(
      `<rect class="${faster ? 'faster' : 'slower'}" x="${n(x)}" y="${n(middle - barHeight / 2)}" width="${n(barWidth)}" height="${barHeight}" rx="2"/>`,
    );
    const range = baselineRange(scenario, result);
    let labelEnd = faster ? x + barWidth : x;
    if (range) {
      const low = scale.x(range[0]);
      const high = scale.x(range[1]);
      parts.push(`<line class="one" x1="${n(low)}" y1="${n(middle)}" x2="${n(high)}" y2="${n(middle)}"/>`);
      labelEnd = faster ? Math.max(labelEnd, high) : Math.min(labelEnd, low);
    }
    parts.push(
      `<text class="text" x="${n(faster ? labelEnd + 5 : labelEnd - 5)}" y="${n(middle + 4)}" text-anchor="${faster ? 'start' : 'end'}" font-size="12" font-weight="600">${escapeXml(formatRatio(ratio))}</text>`,
    );
  }
  const targets = targetsOf(scenario, result.name);
  for (const target of targets) {
    const position = targetOnBaselineAxis(scenario, target);
    if (position === null) continue;
    const tx = scale.x(position);
    parts.push(
      `<line class="${target.met ? 'met' : 'unmet'}" x1="${n(tx)}" y1="${n(top + 2)}" x2="${n(tx)}" y2="${n(top + height - 2)}"/>`,
    );
  }
  // One line per target, each in its own colour, centred on the row: a row can carry two.
  const notes = targets.map(targetNote);
  notes.forEach((note, i) => {
    const y = middle + 4 + (i - (notes.length - 1) / 2) * 12;
    parts.push(
      `<text class="${note.className}" x="${n(columns.noteLeft)}" y="${n(y)}" font-size="11">${escapeXml(note.text)}</text>`,
    );
  });
  return parts;
}

/** A row is taller when it carries more than two target notes, one line each. */
function rowHeightFor(scenario: ScenarioResult, result: CaseResult): number {
  return Math.max(rowHeight, targetsOf(scenario, result.name).length * 12 + 4);
}

function groupHeading(scenario: ScenarioResult, top: number, left: number): string {
  const loadFailed = scenario.status === 'failed' && scenario.cases.length === 0;
  const detail = loadFailed
    ? `${scenario.id} · failed to load`
    : `${scenario.id} · ${scenario.units.toLocaleString('en-US')} ${scenario.units === 1 ? scenario.unit : plural(scenario.unit)} per run · baseline ${scenario.baseline}`;
  return (
    `<text x="${n(left)}" y="${n(top + 20)}" font-size="13"><tspan class="text" font-weight="600">${escapeXml(scenario.title)}</tspan>` +
    `<tspan class="${loadFailed ? 'bad' : 'muted'}" font-size="11" dx="8">${escapeXml(detail)}</tspan></text>`
  );
}

function allAxisValues(scenarios: readonly ScenarioResult[]): number[] {
  const values: number[] = [];
  for (const scenario of scenarios) {
    for (const result of scenario.cases) {
      const ratio = ratioToBaseline(scenario, result.name);
      if (ratio !== null) values.push(ratio);
    }
    for (const target of scenario.targets) {
      const position = targetOnBaselineAxis(scenario, target);
      if (position !== null) values.push(position);
    }
  }
  return values;
}

/**
 * The chart: per scenario, one horizontal bar per case from the 1x line to its ratio to the
 * baseline, on a log axis so that 2x faster and 2x slower are bars of equal length. Targets
 * are ticks on their case's row, green when met and red when not.
 */
export function renderSvg(suite: SuiteResult): string {
  const scenarios = suite.scenarios;
  const longestLabel = Math.max(
    0,
    ...scenarios.flatMap((s) => s.cases.map((c) => textWidth(truncate(c.name, 40), 12))),
  );
  const labelWidth = Math.min(300, Math.max(120, longestLabel + 8));
  const hasTargets = scenarios.some((s) => s.targets.length > 0);
  const noteWidth = hasTargets ? 250 : 0;
  const columns: Columns = {
    labelRight: pad + labelWidth,
    chartLeft: pad + labelWidth + valueGutter,
    chartRight: width - pad - noteWidth - valueGutter,
    noteLeft: width - pad - noteWidth + 8,
  };
  const scale = logScale(allAxisValues(scenarios), columns.chartLeft, columns.chartRight);

  const body: string[] = [];
  let y = headerHeight;
  for (const scenario of scenarios) {
    body.push(groupHeading(scenario, y, pad));
    y += groupHeadingHeight;
    for (const result of scenario.cases) {
      const height = rowHeightFor(scenario, result);
      body.push(...caseRow(scenario, result, y, scale, columns, height));
      y += height;
    }
    y += groupGap;
  }
  if (scenarios.length === 0) {
    body.push(
      `<text class="muted" x="${n(pad)}" y="${n(y + 20)}" font-size="13">No scenarios were run.</text>`,
    );
    y += 40;
  }
  const chartTop = headerHeight - 8;
  const chartBottom = y;
  const height = chartBottom + legendHeight;

  const axis: string[] = [];
  for (const tick of scale.ticks) {
    const x = scale.x(tick);
    axis.push(
      `<line class="${tick === 1 ? 'one' : 'grid'}" x1="${n(x)}" y1="${n(chartTop)}" x2="${n(x)}" y2="${n(chartBottom)}"/>`,
      `<text class="muted" x="${n(x)}" y="${n(chartTop - 6)}" text-anchor="middle" font-size="11">${tickLabel(tick)}</text>`,
      `<text class="muted" x="${n(x)}" y="${n(chartBottom + 14)}" text-anchor="middle" font-size="11">${tickLabel(tick)}</text>`,
    );
  }

  const { machine } = suite;
  const subtitle =
    `Node ${machine.node} · ${machine.cpu} · ${machine.cores} cores · ${suite.date.slice(0, 10)} · ` +
    `${suite.rounds} round(s), each case in its own process · load: ${suite.load.verdict}` +
    (suite.quick ? ' · quick run' : '') +
    (suite.provisional.length > 0 ? ' · PROVISIONAL' : '');
  const legendY = chartBottom + 34;
  const legend = [
    `<rect class="faster" x="${pad}" y="${n(legendY - 9)}" width="14" height="10" rx="2"/>`,
    `<text class="muted" x="${pad + 20}" y="${n(legendY)}" font-size="11">faster than baseline</text>`,
    `<rect class="slower" x="${pad + 150}" y="${n(legendY - 9)}" width="14" height="10" rx="2"/>`,
    `<text class="muted" x="${pad + 170}" y="${n(legendY)}" font-size="11">slower than baseline</text>`,
    ...(hasTargets
      ? [
          `<line class="met" x1="${pad + 305}" y1="${n(legendY - 10)}" x2="${pad + 305}" y2="${n(legendY + 1)}"/>`,
          `<line class="unmet" x1="${pad + 312}" y1="${n(legendY - 10)}" x2="${pad + 312}" y2="${n(legendY + 1)}"/>`,
          `<text class="muted" x="${pad + 320}" y="${n(legendY)}" font-size="11">target: met / not met</text>`,
        ]
      : []),
    `<text class="muted" x="${width - pad}" y="${n(legendY)}" text-anchor="end" font-size="11">ratio = baseline time a unit ÷ case time a unit · whisker: range over rounds · log scale</text>`,
  ];

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${n(height)}" viewBox="0 0 ${width} ${n(height)}" font-family="${font}" role="img" aria-label="Herd benchmarks: speed relative to each scenario's baseline">`,
    `<style>${style}</style>`,
    `<rect class="bg" x="0.5" y="0.5" width="${width - 1}" height="${n(height - 1)}" rx="6"/>`,
    `<text class="text" x="${pad}" y="${pad + 10}" font-size="17" font-weight="600">Herd benchmarks: speed relative to baseline</text>`,
    `<text class="muted" x="${pad}" y="${pad + 30}" font-size="12">${escapeXml(subtitle)}</text>`,
    ...axis,
    ...body,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
