// The import graph of a package's sources, and the cycles in it: used by check-cycles.mjs (every
// package) and by rayon-lite's test that keeps its worker side apart. Type-only imports count: a
// cycle of types is still two modules that cannot be understood one without the other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every module under `src` (its path from `src`, with forward slashes) and the modules under `src`
 * it imports or re-exports.
 *
 * @param {string} src
 * @returns {Map<string, string[]>}
 */
export function importGraph(src) {
  const name = (path) => relative(src, path).split(sep).join('/');
  const graph = new Map();
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => name(resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
    graph.set(name(file), [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * The first import cycle a depth-first walk meets, as the modules around it; null when none.
 *
 * @param {Map<string, string[]>} graph
 * @returns {string[] | null}
 */
export function findCycle(graph) {
  const done = new Set();
  const path = [];
  const visit = (module) => {
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

/**
 * The modules `from` reaches through its imports, itself included.
 *
 * @param {Map<string, string[]>} graph
 * @param {string} from
 * @returns {Set<string>}
 */
export function reachable(graph, from) {
  const seen = new Set();
  const walk = (module) => {
    if (seen.has(module)) return;
    seen.add(module);
    for (const next of graph.get(module) ?? []) walk(next);
  };
  walk(from);
  return seen;
}
