// Tests of the harness itself (not of any package's speed): part of `pnpm test`; alone: `pnpm --filter @herd/bench test`
// after a build. No timing threshold anywhere: only what the runner does with cases and figures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { evaluateTargets, speedup } from '../dist/comparison.js';
import { assessLoad } from '../dist/noise.js';
import { fillReadme } from '../dist/readme-update.js';
import { renderJson } from '../dist/report-json.js';
import { roundOrder } from '../dist/run-scenario.js';
import { median, summarize } from '../dist/statistics.js';
import { suiteFromJson } from '../dist/suite-from-json.js';
import { scenarioProblems } from '../dist/validate-scenario.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function round(round, samplesMs, cpuMs = samplesMs, othersCores = 0) {
  return {
    round,
    position: 1,
    status: 'ok',
    error: null,
    warmupRuns: 3,
    samplesMs,
    cpuMs,
    metrics: {},
    load: { loadavgStart: 0.5, loadavgEnd: 0.5, othersCores, stealCores: 0 },
    wallMs: 100,
    attempts: 1,
  };
}

function caseOf(name, units, rounds, vs = null) {
  const samples = rounds.flatMap((r) => r.samplesMs);
  return {
    name,
    note: null,
    units,
    vs,
    verified: true,
    status: 'ok',
    error: null,
    rounds,
    stats: summarize(samples),
    cpu: summarize(rounds.flatMap((r) => r.cpuMs)),
    metrics: {},
  };
}

describe('statistics', () => {
  it('should give the median and quartiles of unsorted samples', () => {
    const stats = summarize([5, 1, 4, 2, 3]);
    assert.equal(stats.median, 3);
    assert.equal(stats.p25, 2);
    assert.equal(stats.p75, 4);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});

describe('speedup', () => {
  it('should compare time a unit when cases do different numbers of units', () => {
    const cases = [caseOf('slow', 10, [round(1, [100])]), caseOf('fast', 100, [round(1, [100])])];
    assert.equal(speedup(cases, 'fast', 'slow'), 10);
    assert.equal(speedup(cases, 'fast', 'slow', 'time', 1), 10);
  });
});

describe('evaluateTargets', () => {
  const cases = [
    caseOf('base', 1, [round(1, [10]), round(2, [10]), round(3, [10])]),
    caseOf('herd', 1, [round(1, [4]), round(2, [6]), round(3, [4])], 'base'),
  ];

  it('should meet a target only when every round meets it', () => {
    const [target] = evaluateTargets([{ case: 'herd', vs: 'base', ratio: 2 }], cases, 3);
    assert.equal(target.metRounds, 2);
    assert.equal(target.roundsJudged, 3);
    assert.equal(target.met, false);
    assert.deepEqual(
      target.perRound.map((v) => Number(v.toFixed(3))),
      [2.5, 1.667, 2.5],
    );
  });

  it('should judge within and atMostNs targets', () => {
    const [within, atMost] = evaluateTargets(
      [
        { case: 'base', vs: 'herd', within: 3 },
        { case: 'herd', atMostNs: 5e6 },
      ],
      cases,
      3,
    );
    assert.equal(within.met, true);
    assert.equal(atMost.met, false);
    assert.equal(atMost.metRounds, 2);
  });

  it('should leave a target unjudged when a case has no figures', () => {
    const [target] = evaluateTargets([{ case: 'herd', vs: 'missing', ratio: 1 }], cases, 3);
    assert.equal(target.met, null);
  });
});

describe('roundOrder', () => {
  it('should rotate the cases by one each round', () => {
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 1), ['a', 'b', 'c']);
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 2), ['b', 'c', 'a']);
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 4), ['a', 'b', 'c']);
  });
});

describe('assessLoad', () => {
  const scenario = (others) => ({ id: 'x/y', cases: [caseOf('a', 1, [round(1, [1], [1], others)])] });

  it('should call a run quiet when other processes used almost nothing', () => {
    assert.equal(assessLoad([scenario(0.02)], [0, 0, 0], [0, 0, 0]).verdict, 'quiet');
  });

  it('should call a run busy when other processes used a core', () => {
    const load = assessLoad([scenario(1.0)], [0, 0, 0], [0, 0, 0]);
    assert.equal(load.verdict, 'busy');
    assert.match(load.othersMaxAt, /x\/y · a/);
  });
});

describe('scenarioProblems', () => {
  const base = {
    id: 'bump/x',
    title: 't',
    units: 1,
    unit: 'u',
    baseline: 'a',
    cases: [
      { name: 'a', run() {} },
      { name: 'b', run() {}, vs: null },
    ],
  };

  it('should accept a reference case that compares with nothing', () => {
    assert.deepEqual(scenarioProblems(base), []);
  });

  it('should refuse a target that asks for two things or names no case', () => {
    const problems = scenarioProblems({
      ...base,
      targets: [
        { case: 'a', vs: 'b', ratio: 2, within: 1.1 },
        { case: 'a', vs: 'nope', ratio: 2 },
      ],
    });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /exactly one of ratio, within or atMostNs/);
    assert.match(problems[1], /vs 'nope'/);
  });
});

describe('the runner', () => {
  const resultsDir = mkdtempSync(join(tmpdir(), 'herd-bench-'));
  const run = spawnSync(
    process.execPath,
    [
      join(here, '..', 'dist', 'index.js'),
      '--quick',
      '--scenarios-dir',
      join(here, 'fixtures'),
      '--results-dir',
      resultsDir,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const json = readFileSync(join(resultsDir, 'latest.json'), 'utf8');
  const suite = JSON.parse(json);
  const byName = Object.fromEntries(suite.scenarios[0].cases.map((c) => [c.name, c]));

  it('should exit with 1 when a case failed', () => {
    assert.equal(run.status, 1, run.stdout + run.stderr);
  });

  it('should run a case in a process of its own and keep its figures', () => {
    const works = byName.works;
    assert.equal(works.status, 'ok');
    assert.ok(works.statsMs.count >= 5);
    assert.deepEqual(works.metrics['answer (ms)'].median, 42);
    assert.equal(works.rounds.length, 1);
    assert.notEqual(works.rounds[0].load, null);
  });

  it('should fail a case whose result does not verify, and one that throws', () => {
    assert.equal(byName['wrong result'].status, 'failed');
    assert.match(byName['wrong result'].error, /got 1, expected 2/);
    assert.equal(byName.throws.status, 'failed');
    assert.match(byName.throws.error, /RangeError: boom/);
  });

  it('should skip an unavailable case with its reason', () => {
    assert.equal(byName.unavailable.status, 'skipped');
    assert.equal(byName.unavailable.error, 'needs an API that has not landed');
  });

  it('should say which cases do not verify', () => {
    assert.equal(byName.unverified.verified, false);
    assert.equal(byName.works.verified, true);
  });

  it('should mark a quick run provisional and print a compact table', () => {
    assert.ok(suite.provisional.some((reason) => /quick/.test(reason)));
    assert.match(run.stdout, /case \(\* baseline\)/);
    assert.match(run.stdout, /Load average/);
  });

  it('should fill a README block from its results, and nothing around it', () => {
    const text = 'before\n<!-- bench:scenario bump/demo -->\nold\n<!-- /bench -->\nafter\n';
    const filled = fillReadme(text, suiteFromJson(json), '../../');
    assert.match(filled, /^before\n<!-- bench:scenario bump\/demo -->\n\n\| case \|/);
    assert.match(filled, /\(\.\.\/\.\.\/apps\/bench\/results\/latest\.json\)/);
    assert.doesNotMatch(filled, /old/);
    assert.match(filled, /<!-- \/bench -->\nafter\n$/);
  });

  it('should read its JSON back with the same figures', () => {
    const back = suiteFromJson(json);
    const again = JSON.parse(renderJson(back));
    const medians = (doc) => doc.scenarios[0].cases.map((c) => c.statsMs?.median ?? null);
    medians(again).forEach((m, i) => {
      const expected = medians(suite)[i];
      if (expected === null) assert.equal(m, null);
      else assert.ok(Math.abs(m - expected) <= 2e-6, `median ${m} against ${expected}`);
    });
    assert.deepEqual(again.scenarios[0].targets, suite.scenarios[0].targets);
  });
});
