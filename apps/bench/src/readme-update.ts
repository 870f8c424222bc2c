import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provenance, renderHeadline, renderScenarioTable } from './readme-tables.js';
import type { SuiteResult } from './results.js';

/** The repository root: apps/bench/dist/ is three levels below it. */
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

/**
 * A generated block: `<!-- bench:headline -->` or `<!-- bench:scenario <id> -->`, then anything
 * (replaced), then `<!-- /bench -->`. The text around the blocks is the authors'.
 */
const block = /(<!-- bench:(headline|scenario ([a-z0-9-]+\/[a-z0-9-]+)) -->)[\s\S]*?(<!-- \/bench -->)/g;

/** Fills every generated block of one README from `suite`; `toRoot` is the path from the README to the root. */
export function fillReadme(text: string, suite: SuiteResult, toRoot: string): string {
  return text.replace(block, (_, open: string, kind: string, id: string | undefined, close: string) => {
    const table = kind === 'headline' ? renderHeadline(suite) : renderScenarioTable(suite, id!);
    return `${open}\n\n${table}\n\n${provenance(suite, toRoot)}\n\n${close}`;
  });
}

/** The READMEs that may hold generated blocks: the root one and each package's. */
async function readmePaths(): Promise<string[]> {
  const packages = await readdir(join(repoRoot, 'packages'), { withFileTypes: true });
  return [
    join(repoRoot, 'README.md'),
    ...packages.filter((p) => p.isDirectory()).map((p) => join(repoRoot, 'packages', p.name, 'README.md')),
  ];
}

/** Rewrites the generated blocks of every README from `suite`; returns the files that changed. */
export async function updateReadmes(suite: SuiteResult): Promise<string[]> {
  const changed: string[] = [];
  for (const path of await readmePaths()) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const toRoot = relative(resolve(path, '..'), repoRoot);
    const filled = fillReadme(text, suite, toRoot === '' ? '' : `${toRoot}/`);
    if (filled !== text) {
      await writeFile(path, filled);
      changed.push(path);
    }
  }
  return changed;
}
