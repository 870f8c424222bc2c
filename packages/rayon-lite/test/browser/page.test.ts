// What only a cross-origin isolated page can show: parallel iterators on the browser build's pool
// of Web Workers, from the page's main thread. Run in Chromium by vitest.browser.config.ts; the
// Node configuration leaves test/browser/ out.
import { Herd } from '@herd/herd';
import { AbortError, join, par, range, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const histogram = new URL('./fixtures/histogram.js', import.meta.url);
const task = (name: string) => ({ module: histogram, name });

describe('@herd/rayon-lite in a page', () => {
  it('should run callbacks in Web Workers, never on the page', async () => {
    const where = await pool
      .par(range(0, 64))
      .withMaxLen(1)
      .map(() => {
        const g = globalThis as { WorkerGlobalScope?: unknown; window?: unknown; process?: unknown };
        return `${typeof g.WorkerGlobalScope}/${typeof g.window}/${typeof g.process}`;
      })
      .collect();
    expect(new Set(where)).toEqual(new Set(['function/undefined/undefined']));
  });

  it('should give the results of the sequential equivalent, on the default pool', async () => {
    const n = 100_000;
    const expected = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .reduce((sum, i) => sum + Math.sqrt(i), 0);
    const got = await par(range(0, n))
      .filter((i) => i % 3 !== 0)
      .map((i) => Math.sqrt(i))
      .sum();
    expect(got).toBeCloseTo(expected, 6);
    expect(await par(range(0, n)).max()).toBe(n - 1);
    expect(
      await join(
        () => 'a',
        () => 'b',
      ),
    ).toEqual(['a', 'b']);
  });

  it('should run a module task that imports other modules', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const buckets = await pool.par(values).with({ buckets: 10 }).map(task('bucket')).collect();
    expect(buckets).toEqual(values.map((x) => Math.min(9, Math.floor((x / 1000) * 10))));
  });

  it('should write records into a herd from Web Workers that outlive the call (the seed example)', async () => {
    const herd = new Herd({ maxBytes: 16 << 20 });
    const ptrs = (await pool
      .par(range(0, 10_000))
      .with({ herd })
      .mapInit(task('lease'), task('record'))
      .collect()) as number[];
    expect(herd.leased()).toBe(0);
    const f64 = herd.memory.f64;
    expect(ptrs.every((p, i) => f64[p >>> 3] === i && f64[(p >>> 3) + 1] === i * i)).toBe(true);
    expect(new Set(ptrs).size).toBe(ptrs.length);
    expect(await pool.par([1]).with({ herd }).map(task('isLiveHerd')).collect()).toEqual([true]);
    herd.reset();
  });

  it('should abort a call stuck in a callback, replacing the Web Worker, and stay usable', async () => {
    const controller = new AbortController();
    const stuck = pool
      .par(range(0, 4))
      .withMaxLen(1)
      .forEach(
        () => {
          for (;;) {}
        },
        { signal: controller.signal },
      );
    setTimeout(() => controller.abort(), 50);
    await expect(stuck).rejects.toThrow(AbortError);
    expect(await pool.par(range(0, 100)).sum()).toBe(4950);
  });

  it("should say why a pipeline cannot run in a thread that refuses eval, as under a CSP without 'unsafe-eval'", async () => {
    const strict = new ThreadPool({ numThreads: 1 });
    try {
      const refuseEval = {
        module: new URL('./fixtures/refuse-eval.js', import.meta.url),
        name: 'refuseEval',
      };
      expect(await strict.par([0]).map(refuseEval).collect()).toEqual([true]);
      // The pipeline is compiled in the worker, whatever its callbacks are: a module task is no
      // way around a policy that forbids it. The error says so, and what to do.
      const values = Array.from({ length: 100 }, (_, i) => i * 10);
      const failure = await strict
        .par(values)
        .with({ buckets: 4 })
        .map(task('bucket'))
        .collect()
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EvalError);
      expect((failure as Error).message).toMatch(
        /Content-Security-Policy forbids: allow 'unsafe-eval'.*module tasks/,
      );
    } finally {
      await strict.close();
    }
  });
});
