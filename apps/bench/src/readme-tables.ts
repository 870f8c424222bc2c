import { msPerUnit, ratioRange, ratioToReference, speedup, typicalMs } from './comparison.js';
import { formatCores, formatNanos, formatRatio, formatSpread, significant } from './formatting.js';
import type { CaseResult, ScenarioResult, SuiteResult, TargetResult } from './results.js';
import { targetMeasured, targetShort, targetVerdict, targetWanted } from './target-text.js';

/**
 * One row of the root README's headline: a Herd case against the strongest baseline of its
 * scenario and the naive one. `herd: null` takes the case of the scenario's first target, and
 * `strongest: null` that target's `vs` (for scenarios this file does not know the cases of).
 */
interface HeadlineRow {
  what: string;
  scenario: string;
  herd: string | null;
  strongest: string | null;
  naive?: string;
  metric?: 'time' | 'cpu';
  /** Figures a case measured besides its time (`measure`), shown after the time. */
  metrics?: string[];
}

export const headlineRows: HeadlineRow[] = [
  {
    what: '5M records of two f64 built and kept, each way in its own process (build · full GC · RSS)',
    scenario: 'bump/at-scale',
    herd: 'fresh Bump',
    strongest: 'object literals',
    metrics: ['full GC (ms)', 'RSS (MB)'],
  },
  {
    what: 'the same through a herd member',
    scenario: 'bump/at-scale',
    herd: 'fresh Herd',
    strongest: 'object literals',
    metrics: ['full GC (ms)', 'RSS (MB)'],
  },
  {
    what: '2 workers make 1M `{ id, value, name }` records, the main thread reads them all',
    scenario: 'herd/gather',
    herd: 'herd',
    strongest: 'SharedArrayBuffer by hand',
    naive: 'postMessage',
  },
  {
    what: '5M numbers from one thread to another, one at a time',
    scenario: 'scope/channel',
    herd: 'syncChannel',
    strongest: 'MessagePort, batches of 4096',
    naive: 'MessagePort',
  },
  {
    what: 'the same in batches of 4096 (`sendMany`/`recvMany`)',
    scenario: 'scope/channel',
    herd: 'sendMany/recvMany, batches of 4096',
    strongest: 'MessagePort, batches of 4096',
    naive: 'MessagePort',
  },
  {
    what: 'the same in batches of 64',
    scenario: 'scope/channel',
    herd: 'sendMany/recvMany, batches of 64',
    strongest: 'MessagePort, batches of 64',
    naive: 'MessagePort',
  },
  {
    what: 'numbers from a thread to the main thread, `recvManyAsync` in batches of 4096',
    scenario: 'scope/channel-main',
    herd: 'recvManyAsync, batches of 4096',
    strongest: 'MessagePort, batches of 4096',
    naive: 'MessagePort',
  },
  {
    what: 'numbers from a thread to the main thread, `for await` over a `Receiver`',
    scenario: 'scope/channel-main',
    herd: 'for await over a Receiver',
    strongest: 'bare for await',
    naive: 'MessagePort',
  },
  {
    what: 'numbers from the main thread to a thread, `sendManyAsync` in batches of 4096',
    scenario: 'scope/channel-from-main',
    herd: 'sendManyAsync, batches of 4096',
    strongest: 'MessagePort, batches of 4096',
    naive: 'MessagePort',
  },
  {
    what: '1M records of two f64 made and kept, warm (memory reused)',
    scenario: 'bump/records',
    herd: 'bump warm',
    strongest: 'flat Float64Array, reused',
    naive: 'object literals',
  },
  {
    what: 'the same, cold (new memory each run)',
    scenario: 'bump/records',
    herd: 'bump cold',
    strongest: 'flat Float64Array, fresh',
    naive: 'object literals',
  },
  {
    what: '`alloc(16)` + two writes after a mixed warm-up',
    scenario: 'bump/hot-path',
    herd: 'Bump, after mixed warm-up',
    strongest: 'raw bump loop',
  },
  {
    what: '1M short strings made and kept, `allocStr` (warm)',
    scenario: 'bump/strings',
    herd: 'allocStr warm',
    strongest: 'JS strings',
  },
  {
    what: 'reading them back, `memory.str`',
    scenario: 'bump/strings',
    herd: 'memory.str read',
    strongest: 'read kept JS strings',
  },
  {
    what: 'CPU-heavy map + sum, 4M items, `par` on 2 threads',
    scenario: 'rayon-lite/heavy-map-sum',
    herd: 'par',
    strongest: 'piscina (split by hand)',
    naive: 'single thread',
  },
  {
    what: 'light map + sum, 10M numbers, `par` over a shared Float64Array',
    scenario: 'rayon-lite/light-map-sum',
    herd: 'par (shared Float64Array)',
    strongest: 'for loop, four accumulators',
    naive: 'Array map().reduce()',
  },
  {
    what: 'a tiny `par` call on a warm pool (wall time)',
    scenario: 'rayon-lite/latency',
    herd: 'par',
    strongest: 'piscina run()',
  },
  {
    what: 'the same, CPU time of the process a call',
    scenario: 'rayon-lite/latency',
    herd: 'par',
    strongest: 'piscina run()',
    metric: 'cpu',
  },
  {
    what: '`findAny` over `range(0, 1e9)`, matches in the upper half, 2 threads',
    scenario: 'rayon-lite/find-any',
    herd: 'par findAny',
    strongest: null,
    naive: 'for loop from 0',
  },
  {
    what: '`parSort` of 10M numbers, 2 threads',
    scenario: 'rayon-lite/sort',
    herd: null,
    strongest: null,
  },
  {
    what: 'spawn + join an empty thread',
    scenario: 'scope/spawn',
    herd: 'scope.spawn',
    strongest: 'new Worker',
  },
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function perUnitText(
  scenario: ScenarioResult,
  result: CaseResult | undefined,
  metric: 'time' | 'cpu',
): string {
  const ms = msPerUnit(result, metric);
  if (!result || ms === null) return result ? `${result.status}` : 'not run';
  return `${formatNanos(ms * 1e6)}${metric === 'cpu' ? ' CPU' : ''}/${scenario.unit}`;
}

function metricsText(result: CaseResult | undefined, names: readonly string[]): string {
  if (!result) return '';
  return names
    .map((name) => {
      const stats = result.metrics[name];
      if (!stats) return null;
      const unit = name.match(/\((\w+)\)$/)?.[1] ?? '';
      const label = name.replace(/\s*\(\w+\)$/, '');
      const value = significant(stats.median, 2);
      return label === 'RSS' ? `${value} ${unit}` : `${label} ${value} ${unit}`;
    })
    .filter((t): t is string => t !== null)
    .map((t) => ` · ${t}`)
    .join('');
}

/** `0.91x (0.88-0.95)`: how many times faster `name` is than `reference`, with the rounds' range. */
function versus(
  scenario: ScenarioResult,
  name: string,
  reference: string,
  metric: 'time' | 'cpu',
  rounds: number,
): string {
  const overall = speedup(scenario.cases, name, reference, metric);
  if (overall === null) return '–';
  const perRound: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const value = speedup(scenario.cases, name, reference, metric, r);
    if (value !== null) perRound.push(value);
  }
  const range =
    perRound.length > 1
      ? ` (${formatRatio(Math.min(...perRound))}-${formatRatio(Math.max(...perRound))})`
      : '';
  return `**${formatRatio(overall)}**${range}`;
}

function goalsText(targets: readonly TargetResult[]): string {
  if (targets.length === 0) return '';
  return targets
    .map((t) => {
      if (t.met === null) return `${targetShort(t)}: not measured`;
      const rounds = t.roundsJudged > 1 ? ` ${t.metRounds}/${t.roundsJudged}` : '';
      return `${targetShort(t)}: ${targetMeasured(t)}, **${t.met ? 'met' : 'not met'}**${rounds}`;
    })
    .join('<br>');
}

function headlineRow(row: HeadlineRow, scenario: ScenarioResult, rounds: number): string | null {
  const metric = row.metric ?? 'time';
  const first = scenario.targets[0];
  const herdName = row.herd ?? first?.case;
  if (herdName === undefined) return null;
  const strongestName = row.strongest ?? (row.herd === null ? first?.vs : undefined);
  const find = (name: string | undefined) => scenario.cases.find((c) => c.name === name);
  const herd = find(herdName);
  if (!herd) return null;
  const metrics = row.metrics ?? [];
  const side = (name: string | undefined) => {
    if (name === undefined) return ['–', '–'];
    const result = find(name);
    return [
      `${name}: ${perUnitText(scenario, result, metric)}${metricsText(result, metrics)}`,
      versus(scenario, herdName, name, metric, rounds),
    ];
  };
  const [strongest, strongestRatio] = side(strongestName);
  const [naive, naiveRatio] = side(row.naive);
  const targets = scenario.targets.filter((t) => t.case === herdName && t.metric === metric);
  const herdText = `${herdName}: ${perUnitText(scenario, herd, metric)}${metricsText(herd, metrics)}`;
  return `| ${cell(row.what)} | ${cell(herdText)} | ${cell(strongest!)} | ${strongestRatio} | ${cell(naive!)} | ${naiveRatio} | ${cell(goalsText(targets))} |`;
}

/** Where a generated table's figures come from, in one line under it. */
export function provenance(suite: SuiteResult, toRoot = ''): string {
  const flags = [
    `${suite.rounds} round(s)`,
    `load: ${suite.load.verdict}`,
    ...(suite.provisional.length > 0 ? [`**provisional**: ${suite.provisional.join('; ')}`] : []),
  ];
  return (
    `_Generated from [\`apps/bench/results/latest.json\`](${toRoot}apps/bench/results/latest.json), ${suite.date.slice(0, 10)}, ` +
    `Node ${suite.machine.node}, ${suite.machine.cores} cores; ${flags.join('; ')}._`
  );
}

/**
 * The root README's headline: every Herd case against the strongest baseline measured in the
 * same run and the naive one beside it, with the ratio (and its range over rounds), and every
 * goal with its verdict.
 */
export function renderHeadline(suite: SuiteResult): string {
  const lines = [
    '| benchmark | Herd | strongest baseline | Herd vs it | naive baseline | Herd vs it | goals |',
    '| --- | --- | --- | ---: | --- | ---: | --- |',
  ];
  for (const row of headlineRows) {
    const scenario = suite.scenarios.find((s) => s.id === row.scenario);
    if (!scenario) continue;
    const line = headlineRow(row, scenario, suite.rounds);
    if (line !== null) lines.push(line);
  }
  return lines.join('\n');
}

/** One scenario as a package README shows it: every case, its time and CPU a unit, its ratio, then the targets. */
export function renderScenarioTable(suite: SuiteResult, id: string): string {
  const scenario = suite.scenarios.find((s) => s.id === id);
  if (!scenario) return `_\`${id}\` was not in this run._`;
  const lines = [
    `| case | per ${scenario.unit} | spread (IQR) | CPU per ${scenario.unit} (cores) | vs | ratio (rounds) |`,
    '| --- | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const result of scenario.cases) {
    const name = result.name === scenario.baseline ? `${result.name} (baseline)` : result.name;
    if (result.status !== 'ok' || !result.stats) {
      lines.push(`| ${cell(name)} | ${result.status}: ${cell(result.error ?? '')} | | | | |`);
      continue;
    }
    const time = msPerUnit(result, 'time');
    const cpu = msPerUnit(result, 'cpu');
    const wall = typicalMs(result, 'time');
    const cpuMs = typicalMs(result, 'cpu');
    const cores = wall !== undefined && cpuMs !== undefined && wall > 0 ? formatCores(cpuMs / wall) : '–';
    const ratio = ratioToReference(scenario, result);
    const range = ratioRange(scenario, result);
    const ratioText =
      ratio === null
        ? '–'
        : `${formatRatio(ratio)}${range ? ` (${formatRatio(range[0])}-${formatRatio(range[1])})` : ''}`;
    lines.push(
      `| ${cell(name)} | ${time === null ? '–' : formatNanos(time * 1e6)} | ${formatSpread(result.stats.p25, result.stats.p75, result.stats.median)} | ` +
        `${cpu === null ? '–' : `${formatNanos(cpu * 1e6)} (${cores})`} | ${cell(result.vs ?? '–')} | ${ratioText} |`,
    );
  }
  const metricNames = [...new Set(scenario.cases.flatMap((c) => Object.keys(c.metrics)))];
  if (metricNames.length > 0) {
    lines.push(
      '',
      `| after each run, result alive (median) | ${metricNames.map(cell).join(' | ')} |`,
      `| --- | ${metricNames.map(() => '---:').join(' | ')} |`,
    );
    for (const result of scenario.cases) {
      const values = metricNames.map((name) => {
        const stats = result.metrics[name];
        return stats ? significant(stats.median) : '–';
      });
      lines.push(`| ${cell(result.name)} | ${values.join(' | ')} |`);
    }
  }
  if (scenario.targets.length > 0) {
    lines.push('');
    for (const t of scenario.targets) {
      lines.push(`- ${targetWanted(t, scenario.unit)}: ${targetMeasured(t)} — ${targetVerdict(t)}`);
    }
  }
  return lines.join('\n');
}
