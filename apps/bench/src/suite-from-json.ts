import { evaluateTargets } from './comparison.js';
import type { ScenarioTarget } from './harness.js';
import type {
  CaseResult,
  LoadWindow,
  RoundResult,
  SampleStats,
  ScenarioResult,
  SuiteLoad,
  SuiteResult,
} from './results.js';
import { summarize } from './statistics.js';

/** The fields of the JSON report this module reads back; see report-json.ts for the writer. */
interface JsonRound {
  round: number;
  position: number;
  status: RoundResult['status'];
  error: string | null;
  warmupRuns: number;
  load: LoadWindow | null;
  wallMs: number;
  attempts?: number;
  samplesMs: number[];
  cpuMs: number[];
  metrics: Record<string, number[]>;
}

interface JsonCase {
  name: string;
  note: string | null;
  units: number;
  vs: string | null;
  verified: boolean;
  status: CaseResult['status'];
  error: string | null;
  rounds: JsonRound[];
}

interface JsonScenario extends Omit<ScenarioResult, 'cases' | 'targets'> {
  cases: JsonCase[];
  targets: ScenarioTarget[];
}

interface JsonSuite {
  date: string;
  quick: boolean;
  rounds: number;
  only: string[];
  command: string;
  machine: SuiteResult['machine'];
  load: SuiteLoad;
  provisional: string[];
  durationS: number;
  scenarios: JsonScenario[];
}

function pooled(rounds: RoundResult[], pick: (r: RoundResult) => number[]): SampleStats | null {
  const values = rounds.filter((r) => r.status === 'ok').flatMap(pick);
  return values.length === 0 ? null : summarize(values);
}

function caseFromJson(c: JsonCase): CaseResult {
  const rounds: RoundResult[] = c.rounds.map((r) => ({ ...r, attempts: r.attempts ?? 1 }));
  const metrics: Record<string, SampleStats> = {};
  for (const name of new Set(rounds.flatMap((r) => Object.keys(r.metrics)))) {
    const stats = pooled(rounds, (r) => r.metrics[name] ?? []);
    if (stats) metrics[name] = stats;
  }
  return {
    name: c.name,
    note: c.note,
    units: c.units,
    vs: c.vs,
    verified: c.verified,
    status: c.status,
    error: c.error,
    rounds,
    stats: c.status === 'ok' ? pooled(rounds, (r) => r.samplesMs) : null,
    cpu: c.status === 'ok' ? pooled(rounds, (r) => r.cpuMs) : null,
    metrics,
  };
}

/**
 * A suite's results read back from its JSON report, so that tables can be made again from a
 * committed run without running it. Statistics are recomputed from the stored samples (rounded
 * to 0.1 µs), and targets judged again from their stored definitions.
 */
export function suiteFromJson(text: string): SuiteResult {
  const doc = JSON.parse(text) as JsonSuite;
  return {
    date: doc.date,
    quick: doc.quick,
    rounds: doc.rounds,
    only: doc.only,
    command: doc.command,
    machine: doc.machine,
    load: doc.load,
    provisional: doc.provisional,
    durationS: doc.durationS,
    scenarios: doc.scenarios.map((s) => {
      const cases = s.cases.map(caseFromJson);
      const targets: ScenarioTarget[] = s.targets.map((t) => ({
        case: t.case,
        ...(t.vs === undefined ? {} : { vs: t.vs }),
        ...(t.ratio === undefined ? {} : { ratio: t.ratio }),
        ...(t.within === undefined ? {} : { within: t.within }),
        ...(t.atMostNs === undefined ? {} : { atMostNs: t.atMostNs }),
        ...(t.metric === undefined ? {} : { metric: t.metric }),
        ...(t.kind === undefined ? {} : { kind: t.kind }),
      }));
      return {
        id: s.id,
        file: s.file,
        title: s.title,
        units: s.units,
        unit: s.unit,
        baseline: s.baseline,
        status: s.status,
        error: s.error,
        cases,
        targets: evaluateTargets(targets, cases, doc.rounds),
      };
    }),
  };
}
