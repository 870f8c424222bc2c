import type { BenchCase, Scenario, ScenarioTarget } from './harness.js';

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && Number.isFinite(value);
}

function targetProblems(target: ScenarioTarget, names: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const label = `target on '${target.case}'`;
  if (!names.has(target.case)) problems.push(`target case '${target.case}' is not one of the cases`);
  const asked = (['ratio', 'within', 'atMostNs'] as const).filter((key) => target[key] !== undefined);
  if (asked.length !== 1) {
    problems.push(`${label} must give exactly one of ratio, within or atMostNs, got ${asked.length}`);
  }
  for (const key of asked) {
    if (!isPositiveNumber(target[key]))
      problems.push(`${label}: ${key} must be a positive number, got ${target[key]}`);
  }
  if (target.atMostNs === undefined) {
    if (target.vs === undefined || !names.has(target.vs))
      problems.push(`${label}: vs '${target.vs}' is not one of the cases`);
  } else if (target.vs !== undefined) {
    problems.push(`${label}: atMostNs compares with no other case, so it takes no vs`);
  }
  if (target.metric !== undefined && target.metric !== 'time' && target.metric !== 'cpu')
    problems.push(`${label}: metric must be 'time' or 'cpu', got ${JSON.stringify(target.metric)}`);
  if (target.kind !== undefined && target.kind !== 'goal' && target.kind !== 'stretch')
    problems.push(`${label}: kind must be 'goal' or 'stretch', got ${JSON.stringify(target.kind)}`);
  return problems;
}

function caseProblems(benchCase: BenchCase, names: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const name = benchCase?.name;
  if (typeof benchCase?.run !== 'function') problems.push(`case '${name}' has no run()`);
  if (
    benchCase?.units !== undefined &&
    !(isPositiveNumber(benchCase.units) && Number.isInteger(benchCase.units))
  )
    problems.push(`case '${name}': units must be a positive integer, got ${benchCase.units}`);
  if (
    benchCase?.vs !== undefined &&
    benchCase.vs !== null &&
    (!names.has(benchCase.vs) || benchCase.vs === name)
  )
    problems.push(`case '${name}': vs '${benchCase.vs}' is not one of the other cases`);
  for (const hook of ['setup', 'beforeRun', 'verify', 'measure', 'teardown'] as const) {
    if (benchCase?.[hook] !== undefined && typeof benchCase[hook] !== 'function')
      problems.push(`case '${name}': ${hook} must be a function`);
  }
  return problems;
}

/**
 * Checks what TypeScript cannot: that names refer to cases that exist and numbers make sense.
 * Returns the problems found, empty when the scenario can run.
 */
export function scenarioProblems(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return ['the factory did not return an object'];
  const scenario = value as Partial<Scenario>;
  const problems: string[] = [];
  if (typeof scenario.id !== 'string' || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(scenario.id)) {
    problems.push(
      `id must look like '<package>/<scenario>' in kebab-case, got ${JSON.stringify(scenario.id)}`,
    );
  }
  if (typeof scenario.title !== 'string' || scenario.title === '')
    problems.push('title must be a non-empty string');
  if (typeof scenario.units !== 'number' || !(scenario.units > 0) || !Number.isFinite(scenario.units)) {
    problems.push(`units must be a positive number, got ${JSON.stringify(scenario.units)}`);
  }
  if (typeof scenario.unit !== 'string' || scenario.unit === '')
    problems.push('unit must be a non-empty string');
  if (!Array.isArray(scenario.cases) || scenario.cases.length === 0) {
    problems.push('cases must be a non-empty array');
    return problems;
  }
  const names = new Set<string>();
  for (const benchCase of scenario.cases) {
    if (typeof benchCase?.name !== 'string' || benchCase.name === '')
      problems.push('every case needs a name');
    else if (names.has(benchCase.name)) problems.push(`case name '${benchCase.name}' is used twice`);
    else names.add(benchCase.name);
  }
  for (const benchCase of scenario.cases) problems.push(...caseProblems(benchCase, names));
  if (typeof scenario.baseline !== 'string' || !names.has(scenario.baseline)) {
    problems.push(`baseline '${scenario.baseline}' is not one of the cases`);
  }
  if (scenario.targets !== undefined && !Array.isArray(scenario.targets))
    problems.push('targets must be an array');
  for (const target of scenario.targets ?? []) problems.push(...targetProblems(target, names));
  return problems;
}
