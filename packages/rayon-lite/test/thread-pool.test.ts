import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import { Herd, MemberReleasedError } from '@herd/herd';
import { ItemError, PoolClosedError, range, ThreadPool } from '@herd/rayon-lite';
import { describe, expect, it } from 'vitest';
import { onNode, runtime, withNodeApis } from '../../../scripts/test-runtime.js';

/** Counts worker threads alive in this process, whoever started them. */
function liveWorkerCounter(): { readonly live: number; stop(): void } {
  let live = 0;
  const onWorker = (worker: Worker) => {
    live++;
    worker.once('exit', () => live--);
  };
  process.on('worker', onWorker);
  return {
    get live() {
      return live;
    },
    stop: () => process.off('worker', onWorker),
  };
}

describe('ThreadPool', () => {
  it('should start numThreads workers and end them on close', async ({ skip }) => {
    skip(
      runtime === 'browser' || runtime === 'deno',
      "process.on('worker') as Node and Bun emit it (Deno emits it late)",
    );
    const counter = liveWorkerCounter();
    const pool = new ThreadPool({ numThreads: 3 });
    expect(pool.numThreads).toBe(3);
    expect(await pool.par(range(0, 300)).sum()).toBe(44850);
    expect(counter.live).toBe(3);
    await pool.close();
    expect(counter.live).toBe(0);
    counter.stop();
  });

  it('should reject numThreads below 1, non-integers and non-numbers', () => {
    expect(() => new ThreadPool({ numThreads: 0 })).toThrow(RangeError);
    expect(() => new ThreadPool({ numThreads: 0 })).toThrow(
      /options\.numThreads must be an integer from 1 to 1024, got 0/,
    );
    expect(() => new ThreadPool({ numThreads: 2 ** 32 })).toThrow(/from 1 to 1024, got 4294967296/);
    expect(() => new ThreadPool({ numThreads: 1.5 })).toThrow(RangeError);
    expect(() => new ThreadPool({ numThreads: '2' as never })).toThrow(TypeError);
  });

  it('should run on a single thread', async () => {
    const pool = new ThreadPool({ numThreads: 1 });
    try {
      expect(
        await pool
          .par(range(0, 100))
          .map((i) => i * 2)
          .collect(),
      ).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
      expect(
        await pool.join(
          () => 'a',
          () => 'b',
        ),
      ).toEqual(['a', 'b']);
    } finally {
      await pool.close();
    }
  });

  it('should bring every worker into a call that lasts', async () => {
    const pool = new ThreadPool({ numThreads: 2 });
    try {
      const slowThreadId = { module: new URL('./fixtures/tasks.mjs', import.meta.url), name: 'slowThreadId' };
      // A second of work in 200 pieces: long enough for the other worker to join even when the
      // machine is so busy that it gets its first time slice late.
      const threads = await pool.par(range(0, 200)).withMaxLen(1).with({ ms: 5 }).map(slowThreadId).collect();
      expect(new Set(threads).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('should run concurrent calls on the same pool', async () => {
    const pool = new ThreadPool({ numThreads: 2 });
    try {
      const calls = Array.from({ length: 8 }, (_, k) =>
        pool
          .par(range(0, 1000 * (k + 1)))
          .map((i) => i % 3)
          .sum(),
      );
      const expected = Array.from({ length: 8 }, (_, k) => {
        let total = 0;
        for (let i = 0; i < 1000 * (k + 1); i++) total += i % 3;
        return total;
      });
      expect(await Promise.all(calls)).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('should reject calls on a closed pool and calls pending at close', async () => {
    const pool = new ThreadPool({ numThreads: 2 });
    const pending = pool
      .par(range(0, 4))
      .withMaxLen(1)
      .forEach(() => {
        const until = Date.now() + 200;
        while (Date.now() < until) {}
      });
    // Handled before close() rejects it, so the rejection is never unhandled.
    const pendingRejected = expect(pending).rejects.toThrow(PoolClosedError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.close();
    await pendingRejected;
    await expect(pool.par([1]).sum()).rejects.toThrow(PoolClosedError);
    await expect(
      pool.join(
        () => 1,
        () => 2,
      ),
    ).rejects.toThrow(PoolClosedError);
  });

  it('should start its threads with the execArgv and env it was given', async ({ skip }) => {
    skip(!withNodeApis, 'execArgv and process.env in the threads (worker_threads)');
    const pool = new ThreadPool({
      numThreads: 2,
      execArgv: ['--no-deprecation'],
      env: { HERD_POOL_TEST: 'from the pool' },
    });
    try {
      const seen = await pool
        .par(range(0, 2))
        .map(() => [process.execArgv.join(' '), process.env.HERD_POOL_TEST])
        .collect();
      expect(seen).toEqual([
        ['--no-deprecation', 'from the pool'],
        ['--no-deprecation', 'from the pool'],
      ]);
    } finally {
      await pool.close();
    }
    expect(() => new ThreadPool({ execArgv: '--inspect' as never })).toThrow(
      /options\.execArgv must be an array/,
    );
    expect(() => new ThreadPool({ env: 5 as never })).toThrow(/options\.env must be an object/);
  });

  it('should end the leases a call made, so a member kept in a worker global cannot write after a reset', async () => {
    const pool = new ThreadPool({ numThreads: 1 });
    const herd = new Herd({ maxBytes: 1 << 22 });
    try {
      await pool
        .par([1])
        .with({ herd })
        .forEach((_, { herd }) => {
          const member = herd.get();
          member.allocStr('leased in a callback, never released');
          (globalThis as unknown as Record<string, unknown>).keptMember = member;
        });
      expect(herd.leased()).toBe(0);
      herd.reset();
      const main = herd.get();
      const mine = main.allocStr('allocated by the main thread after the reset');
      main.release();
      const failure = await pool
        .par([1])
        .forEach(() => {
          (
            globalThis as unknown as Record<string, { allocZeroed(n: number): number }>
          ).keptMember!.allocZeroed(64);
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ItemError);
      expect((failure as ItemError).cause).toBeInstanceOf(MemberReleasedError);
      expect(herd.memory.str(mine)).toBe('allocated by the main thread after the reset');
    } finally {
      await pool.close();
    }
  });

  it('should run 1000 consecutive small calls without growth in live workers or memory', async ({ skip }) => {
    skip(!onNode, 'gc through node:v8 and node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const counter = liveWorkerCounter();
    const pool = new ThreadPool({ numThreads: 2 });
    try {
      const call = () =>
        pool
          .par(range(0, 64))
          .map((i) => i * 2)
          .filter((x) => x % 3 !== 0)
          .collect();
      for (let k = 0; k < 100; k++) await call();
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const liveBefore = counter.live;
      let last: number[] = [];
      for (let k = 0; k < 1000; k++) last = await call();
      gc();
      const growth = process.memoryUsage().heapUsed - heapBefore;
      expect(last.length).toBe(42);
      expect(liveBefore).toBe(2);
      expect(counter.live).toBe(2);
      // Over 1000 calls, a kilobyte kept per call would show.
      expect(growth).toBeLessThan(1024 * 1024);
    } finally {
      await pool.close();
      counter.stop();
    }
  });
});

describe('the default pool', () => {
  it('should finish an awaited call and then let the process exit on its own', async ({ skip }) => {
    skip(!withNodeApis, 'a child process');
    const script = fileURLToPath(new URL('./fixtures/await-default-pool.mjs', import.meta.url));
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      const child = execFile(process.execPath, [script], { timeout: 20_000 }, (error, stdout) =>
        resolve({ stdout, code: error ? ((error as { code?: number }).code ?? -1) : 0 }),
      );
      child.stdin?.end();
    });
    expect(code).toBe(0);
    let expected = 0;
    for (let i = 0; i < 2000; i++) {
      let x = 0;
      for (let k = 0; k < 2000; k++) x += Math.sqrt(i + k);
      expected += Math.floor(x) % 7;
    }
    expect(stdout.trim()).toBe(`total ${expected}`);
  });
});
