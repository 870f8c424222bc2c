import type { Scenario } from './harness.js';

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
    if (typeof benchCase?.run !== 'function') problems.push(`case '${benchCase?.name}' has no run()`);
  }
  if (typeof scenario.baseline !== 'string' || !names.has(scenario.baseline)) {
    problems.push(`baseline '${scenario.baseline}' is not one of the cases`);
  }
  for (const target of scenario.targets ?? []) {
    if (!names.has(target.case)) problems.push(`target case '${target.case}' is not one of the cases`);
    if (!names.has(target.vs)) problems.push(`target vs '${target.vs}' is not one of the cases`);
    if (!(target.ratio > 0)) problems.push(`target ratio must be positive, got ${target.ratio}`);
  }
  return problems;
}
