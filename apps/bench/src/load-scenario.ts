import { pathToFileURL } from 'node:url';
import type { Scenario } from './harness.js';
import { scenarioProblems } from './validate-scenario.js';

export type LoadedScenario =
  | { kind: 'scenario'; scenario: Scenario }
  | { kind: 'helper' }
  | { kind: 'error'; error: string };

/**
 * Imports a built scenario file, calls its factory and validates what it returns. A module
 * without a default export is a helper shared by the package's scenarios, not a scenario.
 */
export async function loadScenario(path: string, quick: boolean): Promise<LoadedScenario> {
  try {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    if (!('default' in module)) return { kind: 'helper' };
    if (typeof module.default !== 'function') {
      return {
        kind: 'error',
        error: 'the default export is not a function: use `export default defineScenario(...)`',
      };
    }
    const scenario: unknown = await module.default({ quick });
    const problems = scenarioProblems(scenario);
    if (problems.length > 0) return { kind: 'error', error: problems.join('; ') };
    return { kind: 'scenario', scenario: scenario as Scenario };
  } catch (error) {
    return {
      kind: 'error',
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
