/**
 * Finds the code a reader is shown: the ```ts blocks of the READMEs and the `@example` blocks of
 * the packages' TSDoc. Each becomes a module to typecheck; a README block that imports a Herd
 * package is a whole program, and is run too (unless its fence says `ts no-run`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One block of example code, and where a reader finds it. */
export interface Example {
  /** `path:line` of the block's first line of code, from the repository's root. */
  where: string;
  /** The package whose docs hold it (`bump`, `herd`, `scope`, `rayon-lite`), or `null` for the root. */
  pkg: string | null;
  code: string;
  /** A whole program to run: a README block that imports a Herd package. */
  runs: boolean;
}

const FENCE = /^\s*```(ts|typescript)\b(.*)$/;
const CLOSE = /^\s*```\s*$/;

function files(dir: string, test: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...files(path, test));
    else if (test(path)) found.push(path);
  }
  return found;
}

/** The fenced ts blocks of `lines`, with the 0-based line of each block's first line of code. */
function fencedBlocks(lines: string[]): { line: number; code: string; meta: string }[] {
  const blocks: { line: number; code: string; meta: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !CLOSE.test(lines[end]!)) end++;
    blocks.push({ line: start, code: lines.slice(start, end).join('\n'), meta: open[2]!.trim() });
    i = end;
  }
  return blocks;
}

function readmeExamples(root: string, path: string, pkg: string | null): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  return fencedBlocks(lines).map(({ line, code, meta }) => ({
    where: `${relative(root, path)}:${line + 1}`,
    pkg,
    code,
    runs: !meta.split(/\s+/).includes('no-run') && /from ['"]@herd\//.test(code),
  }));
}

/** The `@example` blocks of one source file's doc comments. */
function tsdocExamples(root: string, path: string, pkg: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const examples: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, comment.index).split('\n').length - 1;
    const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ''));
    const at = lines.findIndex((line) => line.trim().startsWith('@example'));
    if (at < 0) continue;
    for (const block of fencedBlocks(lines.slice(at))) {
      examples.push({
        where: `${relative(root, path)}:${startLine + at + block.line + 1}`,
        pkg,
        code: block.code,
        runs: false,
      });
    }
  }
  return examples;
}

/**
 * Every example of the repository at `root`: the root README, each package's README, and the
 * TSDoc of each package's sources.
 */
export function collectExamples(root: string): Example[] {
  const examples = readmeExamples(root, join(root, 'README.md'), null);
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', pkg);
    examples.push(...readmeExamples(root, join(dir, 'README.md'), pkg));
    for (const path of files(join(dir, 'src'), (p) => p.endsWith('.ts')).sort()) {
      examples.push(...tsdocExamples(root, path, pkg));
    }
  }
  return examples;
}
