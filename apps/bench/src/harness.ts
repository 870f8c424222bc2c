/**
 * The contract between scenario files and the runner. A scenario file is
 * `src/<package>/<scenario>.ts` with `export default defineScenario(...)`; the runner finds the
 * built file at run time, calls the factory, and measures every case.
 */

/** One way of doing the scenario's work, timed run by run. */
export interface BenchCase {
  /** Shown in the tables and the chart; unique within the scenario. */
  name: string;
  /** Called once before the warm-up runs; not timed. */
  setup?(): void | Promise<void>;
  /** One timed run: does `Scenario.units` units of work. */
  run(): unknown | Promise<unknown>;
  /** Called once after the last run, also when setup or a run threw; not timed. */
  teardown?(): void | Promise<void>;
}

/** A target from an issue: `case` should be at least `ratio` times faster than `vs`. */
export interface ScenarioTarget {
  case: string;
  vs: string;
  ratio: number;
}

/** A piece of work measured several ways, with the way people do it today as the baseline. */
export interface Scenario {
  /** `'<package>/<scenario>'`, e.g. `'scope/channel'`. */
  id: string;
  title: string;
  /** Units of work one `run()` does (records, messages, items, calls). */
  units: number;
  /** The name of one unit, e.g. `'record'`. */
  unit: string;
  /** The name of the case the others are compared with: ratio = baseline median / case median (>1 = faster). */
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
 * type check and a name to search for.
 *
 * @example
 * ```ts
 * export default defineScenario(({ quick }) => {
 *   const n = quick ? 10_000 : 1_000_000;
 *   return { id: 'bump/alloc', title: 'Allocate small records', units: n, unit: 'record',
 *     baseline: 'objects', cases: [{ name: 'objects', run: () => ... }, { name: 'bump', run: () => ... }] };
 * });
 * ```
 */
export function defineScenario(factory: ScenarioFactory): ScenarioFactory {
  return factory;
}
