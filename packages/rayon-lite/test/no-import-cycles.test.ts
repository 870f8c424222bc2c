// The package's two sides stay apart: the package entry reaches no worker-only module
// (src/worker/), and the worker entry reaches, besides those, only the modules both sides use.
// (No import cycle in any package: scripts/check-cycles.mjs, in `pnpm lint`.)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycle, importGraph, reachable } from '../../../scripts/import-graph.mjs';

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
  const graph = importGraph(src);

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
