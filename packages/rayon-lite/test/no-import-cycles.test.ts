// The package's modules import one another without a cycle, and its two sides stay apart: the
// package entry reaches no worker-only module (src/worker/), and the worker entry reaches, besides
// those, only the modules both sides use. Type-only imports count too: a cycle of types is still
// two modules that cannot be understood one without the other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

type Graph = Map<string, string[]>;

/** The modules both sides use: what a job and its memory look like, and helpers of both. */
const BOTH_SIDES = [
  'job-memory.ts',
  'memory-slots.ts',
  'pieces.ts',
  'protocol.ts',
  'shared-view.ts',
  'task.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** A module's path from `src`, with forward slashes on every platform. */
function moduleName(path: string): string {
  return relative(src, path).split(sep).join('/');
}

/** Every module of `src` (paths relative to it) and the modules of `src` it imports or re-exports. */
function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => moduleName(resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
    graph.set(moduleName(file), [...new Set(targets)].sort());
  }
  return graph;
}

/** The first import cycle a depth-first walk meets, as the modules around it; null when none. */
function findCycle(graph: Graph): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string): string[] | null => {
    const at = path.indexOf(module);
    if (at >= 0) return [...path.slice(at), module];
    if (done.has(module)) return null;
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    done.add(module);
    return null;
  };
  for (const module of [...graph.keys()].sort()) {
    const cycle = visit(module);
    if (cycle !== null) return cycle;
  }
  return null;
}

/** The modules `from` reaches through its imports, itself included. */
function reachable(graph: Graph, from: string): Set<string> {
  const seen = new Set<string>();
  const walk = (module: string): void => {
    if (seen.has(module)) return;
    seen.add(module);
    for (const next of graph.get(module) ?? []) walk(next);
  };
  walk(from);
  return seen;
}

describe('findCycle', () => {
  it('should find a cycle, and name the modules around it', () => {
    const graph: Graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['b.ts']],
    ]);
    expect(findCycle(graph)).toEqual(['b.ts', 'c.ts', 'b.ts']);
  });

  it('should find none in a graph where two modules share an import', () => {
    const graph: Graph = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ]);
    expect(findCycle(graph)).toBeNull();
  });
});

describe('the modules of @herd/rayon-lite', () => {
  const graph = importGraph();

  it('should have been found, with their imports', () => {
    expect(graph.get('index.ts')).toContain('thread-pool.ts');
  });

  it('should import one another without a cycle', () => {
    expect(findCycle(graph)).toBeNull();
  });

  it('should keep worker-only code (src/worker/) out of what the package entry reaches', () => {
    const fromEntry = [...reachable(graph, 'index.ts')];
    expect(fromEntry.filter((module) => module.startsWith('worker/'))).toEqual([]);
  });

  it('should keep main-thread code out of what the worker entry reaches', () => {
    const fromWorker = [...reachable(graph, 'worker/worker.ts')];
    const mainThread = fromWorker.filter(
      (module) => !module.startsWith('worker/') && !BOTH_SIDES.includes(module),
    );
    expect(mainThread).toEqual([]);
  });
});
