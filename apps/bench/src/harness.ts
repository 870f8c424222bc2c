/**
 * The contract between scenario files and the runner. A scenario file is
 * `src/<package>/<scenario>.ts` with `export default defineScenario(...)`; the runner finds the
 * built file at run time and measures every case in a process of its own, so no case inherits
 * another's JIT decisions, heap or threads.
 */

/** One way of doing the scenario's work, timed run by run. */
export interface BenchCase {
  /** Shown in the tables and the chart; unique within the scenario. */
  name: string;
  /** A few words on what the case does, when its name cannot say it; shown in the Markdown report. */
  note?: string;
  /**
   * Units one run does when not the scenario's `units`: a slow baseline may do fewer, so that it
   * gets as many runs as the others. Times per unit and ratios account for it.
   */
  units?: number;
  /**
   * The case this one is compared with in the tables, when not the scenario's baseline: warm
   * with warm, cold with cold, reads with reads. `null` for a reference compared with nothing.
   */
  vs?: string | null;
  /** Called once before the warm-up runs; not timed. */
  setup?(): void | Promise<void>;
  /**
   * Called before every run, not timed, after the previous run's result has been let go: for
   * cases that must start each run from a clean heap (call `gc()` here, for instance).
   */
  beforeRun?(): void | Promise<void>;
  /** One timed run: does `units` units of work and returns what `verify` checks. */
  run(): unknown | Promise<unknown>;
  /**
   * Checks what one run produced (not timed); throws when it is wrong, which fails the case.
   * Called after every warm-up and timed run. A case without it is reported as unverified.
   */
  verify?(result: unknown): void | Promise<void>;
  /**
   * Extra figures for one timed run, taken after `verify` and not timed, while its result is
   * still alive: a full GC's pause, resident memory. Reported as medians with their spread.
   */
  measure?(result: unknown): Record<string, number> | Promise<Record<string, number>>;
  /** Called once after the last run, also when setup or a run threw; not timed. */
  teardown?(): void | Promise<void>;
}

/**
 * A goal from an issue. Exactly one of `ratio`, `within` or `atMostNs` says what is asked:
 * - `ratio`: `case` at least `ratio` times faster than `vs` (`{ case, vs, ratio }`);
 * - `within`: `case` at most `within` times slower than `vs` (1.15 = "within 1.15x of");
 * - `atMostNs`: `case` at most this many nanoseconds a unit, whatever the others do.
 * `metric: 'cpu'` compares CPU time a unit (every thread of the process) instead of wall time.
 * A goal is judged in every round of the bench and is met only when it is met in all of them.
 */
export interface ScenarioTarget {
  case: string;
  vs?: string;
  ratio?: number;
  within?: number;
  atMostNs?: number;
  metric?: 'time' | 'cpu';
  /** `'stretch'` for a goal the issue gives as a stretch; reported, not counted as required. */
  kind?: 'goal' | 'stretch';
}

/** A piece of work measured several ways, with the way people do it today as the baseline. */
export interface Scenario {
  /** `'<package>/<scenario>'`, e.g. `'scope/channel'`. */
  id: string;
  title: string;
  /** Units of work one `run()` does (records, messages, items, calls), unless a case says otherwise. */
  units: number;
  /** The name of one unit, e.g. `'record'`. */
  unit: string;
  /** The case the others are compared with unless they name their own `vs`: ratio = its time a unit / the case's. */
  baseline: string;
  /** Reported as met or not met, never asserted. */
  targets?: ScenarioTarget[];
  cases: BenchCase[];
}

export interface ScenarioOptions {
  /** Smaller inputs and fewer repetitions: the whole suite must finish in under two minutes. */
  quick: boolean;
}

export type ScenarioFactory = (options: ScenarioOptions) => Scenario | Promise<Scenario>;

/**
 * Marks a scenario file's default export. It returns the factory unchanged; its use is the
 * type check and a name to search for. The runner calls the factory in every process it starts
 * for the scenario, so it should only prepare inputs: threads belong in a case's `setup`.
 *
 * @example
 * ```ts
 * export default defineScenario(({ quick }) => {
 *   const n = quick ? 10_000 : 1_000_000;
 *   return { id: 'bump/alloc', title: 'Allocate small records', units: n, unit: 'record',
 *     baseline: 'objects', cases: [{ name: 'objects', run: () => ..., verify: (r) => ... }] };
 * });
 * ```
 */
export function defineScenario(factory: ScenarioFactory): ScenarioFactory {
  return factory;
}

/**
 * Thrown by a case's `setup` when what it measures is not there to measure (an API that has
 * not landed yet, a platform without a feature): the case is reported as skipped, with the
 * message, and does not fail the suite.
 *
 * @example
 * ```ts
 * setup() {
 *   if (typeof Sender.prototype.sendMany !== 'function') throw new CaseUnavailable('needs Sender#sendMany');
 * }
 * ```
 */
export class CaseUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseUnavailable';
  }
}

/**
 * The JSON-safe outline of a loaded scenario: what the runner needs to plan rounds and judge
 * targets without loading the scenario itself.
 */
export interface ScenarioOutline {
  id: string;
  title: string;
  units: number;
  unit: string;
  baseline: string;
  targets: ScenarioTarget[];
  cases: Array<{ name: string; note: string | null; units: number; vs: string | null; verified: boolean }>;
}

/** The outline of `scenario`, with every case's units and comparison resolved. */
export function outlineOf(scenario: Scenario): ScenarioOutline {
  return {
    id: scenario.id,
    title: scenario.title,
    units: scenario.units,
    unit: scenario.unit,
    baseline: scenario.baseline,
    targets: scenario.targets ?? [],
    cases: scenario.cases.map((c) => ({
      name: c.name,
      note: c.note ?? null,
      units: c.units ?? scenario.units,
      // The baseline, and any case that says `vs: null`, are references: compared with nothing.
      vs: c.vs === null || c.name === scenario.baseline ? null : (c.vs ?? scenario.baseline),
      verified: typeof c.verify === 'function',
    })),
  };
}
