import { range, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';
import { CountedCrossable } from './fixtures/counted-crossable.mjs';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

const tasks = new URL('./fixtures/tasks.mjs', import.meta.url);
const task = (name: string) => ({ module: tasks, name });

describe('module tasks', () => {
  it('should accept a module task wherever a function is accepted', async () => {
    const it2 = pool.par(range(0, 50));
    expect(await it2.map(task('square')).collect()).toEqual(Array.from({ length: 50 }, (_, i) => i * i));
    expect(await it2.filter(task('isEven')).count()).toBe(25);
    expect(await it2.map(task('math.triple')).sum()).toBe(3 * 1225);
    expect(await it2.reduce(task('zero'), task('add'))).toBe(1225);
    expect(await it2.any(task('isEven'))).toBe(true);
    expect(await pool.join(task('zero'), task('zero'))).toEqual([0, 0]);
  });

  it('should run a module task that imports other modules', async ({ skip }) => {
    skip(!withNodeApis, 'node:crypto in the module task (test/browser has a page version)');
    const out = await pool.par(['a', 'b']).map(task('digest')).collect();
    expect(out).toEqual(['ca978112', '3e23e816']);
  });

  it('should pass the context to a module task', async () => {
    expect(await pool.par([1, 2, 3]).with({ factor: 10 }).map(task('scaled')).collect()).toEqual([
      10, 20, 30,
    ]);
  });

  it('should reject a missing export with the loader error', async () => {
    await expect(pool.par([1]).map(task('nope')).collect()).rejects.toThrow(/has no function export 'nope'/);
    expect(await pool.par([1, 2]).map(task('square')).sum()).toBe(5);
  });
});

describe('with(ctx)', () => {
  it('should cross once per worker per call, not once per piece', async () => {
    const counted = new CountedCrossable();
    const out = await pool
      .par(range(0, 1000))
      .withMaxLen(10)
      .with({ counted })
      .map((i, { counted }) => (counted.revived > 0 ? i : -1))
      .collect();
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // 100 pieces, 2 workers: at most 2 revivals. done() comes once per worker given the job, when
    // it has finished with it (a helper that joined late may answer after the call resolved).
    expect(counted.revived).toBeGreaterThanOrEqual(1);
    expect(counted.revived).toBeLessThanOrEqual(2);
    await vi.waitFor(() => expect(counted.doneCalls).toBeGreaterThanOrEqual(counted.revived));
    expect(counted.doneCalls).toBeLessThanOrEqual(2);
  });
});
