#!/usr/bin/env node
// Fails when the sources of any package import one another in a cycle (scripts/import-graph.mjs).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCycle, importGraph } from './import-graph.mjs';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages');
let cycles = 0;
for (const name of readdirSync(packages).sort()) {
  const src = join(packages, name, 'src');
  if (!existsSync(src)) continue;
  const cycle = findCycle(importGraph(src));
  if (cycle !== null) {
    cycles++;
    console.log(`check-cycles: packages/${name}/src: ${cycle.join(' -> ')}`);
  }
}
if (cycles > 0) process.exit(1);
console.log('check-cycles: no import cycle in any package');
