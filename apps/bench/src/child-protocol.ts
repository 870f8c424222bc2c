import type { ScenarioOutline } from './harness.js';
import type { MeasureBudget } from './measure-budget.js';
import type { CaseMeasurement } from './results.js';

/** What the runner asks of a process it starts: a scenario's outline, or one case measured. */
export type ChildRequest =
  | { kind: 'outline'; path: string; quick: boolean }
  | { kind: 'case'; path: string; caseName: string; quick: boolean; budget: MeasureBudget };

/** The one message such a process sends back before it exits. */
export type ChildReply =
  | { kind: 'outline'; outline: ScenarioOutline }
  | { kind: 'helper' }
  | { kind: 'error'; error: string }
  | { kind: 'case'; measurement: CaseMeasurement };
