import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The folders scenario files live in, in the order the suite runs and reports them (memory, then threads). */
export const scenarioPackages = ['bump', 'herd', 'scope', 'rayon-lite'] as const;

export interface ScenarioFile {
  /** `'<package>/<file name without extension>'`: what a scenario's id should be. */
  fileId: string;
  /** Relative to the scenarios directory, with forward slashes. */
  relativePath: string;
  absolutePath: string;
}

const scenarioExtension = /\.(?:m?js)$/;

function compareText(a: string, b: string): number {
  // Not localeCompare: the order must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lists the built scenario files: `<dir>/<package>/*.js`, packages in `scenarioPackages`
 * order, files by name. Subfolders (such as `workers/`) hold helpers, not scenarios; a package
 * without a folder is skipped.
 */
export async function discoverScenarioFiles(scenariosDir: string): Promise<ScenarioFile[]> {
  const files: ScenarioFile[] = [];
  for (const packageName of scenarioPackages) {
    const packageDir = join(scenariosDir, packageName);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(packageDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const names = entries
      .filter((entry) => entry.isFile() && scenarioExtension.test(entry.name))
      .map((entry) => entry.name)
      .sort(compareText);
    for (const name of names) {
      files.push({
        fileId: `${packageName}/${name.replace(scenarioExtension, '')}`,
        relativePath: `${packageName}/${name}`,
        absolutePath: join(packageDir, name),
      });
    }
  }
  return files;
}

/** True when `id` is selected by `--only` prefixes (no prefixes select everything). */
export function isSelected(id: string, onlyPrefixes: readonly string[]): boolean {
  return onlyPrefixes.length === 0 || onlyPrefixes.some((prefix) => id.startsWith(prefix));
}
