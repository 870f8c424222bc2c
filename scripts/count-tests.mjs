#!/usr/bin/env node
// Counts what vitest (and node --test) reported in a log (one run or many, turbo's prefixed output included):
// tests passed, failed and skipped, where a test file that failed to load and an error vitest
// caught outside any test ("Unhandled Errors") each count as one failure, so a suite that never
// ran cannot pass for an empty one.
//
//   node scripts/count-tests.mjs run.log [more.log …]   # prints "N passed, N failed (N skipped)"
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * The counts in vitest output.
 *
 * @param {string} text - what vitest printed (colours allowed)
 * @returns {{ passed: number, failed: number, skipped: number }}
 */
export function countTests(text) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(ANSI, '');
    // "      Tests  2 failed | 118 passed | 3 skipped (123)", after turbo's "pkg:test: " prefix
    const tests = /(?:^|\s)Tests\s+(.*\(\d+\))\s*$/.exec(line);
    if (tests) {
      for (const [, n, kind] of tests[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
        counts[kind === 'todo' ? 'skipped' : kind] += Number(n);
      }
      continue;
    }
    // "# pass 18", "# fail 0", …: node --test's summary (the bench harness), "ℹ pass 18" from Node 24's reporter
    const nodeTest = /(?:^|\s)(?:#|ℹ) (pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line);
    if (nodeTest) {
      const kind = {
        pass: 'passed',
        fail: 'failed',
        cancelled: 'failed',
        skipped: 'skipped',
        todo: 'skipped',
      }[nodeTest[1]];
      counts[kind] += Number(nodeTest[2]);
      continue;
    }
    // " FAIL  test/x.test.ts [ test/x.test.ts ]": the file failed before or outside its tests
    if (/\sFAIL\s.*\[ .+ \]\s*$/.test(line)) counts.failed++;
    // "      Errors  2 errors": unhandled errors (vitest fails the run for them)
    const errors = /(?:^|\s)Errors\s+(\d+) errors?\b/.exec(line);
    if (errors) counts.failed += Number(errors[1]);
  }
  return counts;
}

/** "N passed, N failed (N skipped)" */
export function formatCounts({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed (${skipped} skipped)`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const file of process.argv.slice(2)) {
    const counts = countTests(readFileSync(file, 'utf8'));
    for (const key of Object.keys(total)) total[key] += counts[key];
  }
  console.log(formatCounts(total));
}
