import { AbortError, ItemError, JoinError, par, range, ThreadError, ThreadPool } from '@herd/rayon-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

class ParseError extends Error {
  code = 'E_PARSE';
}

describe('a callback that throws', () => {
  it('should reject with an ItemError naming the item and keeping the original class', async () => {
    const error = await pool
      .par(range(0, 1000))
      .map((i) => {
        if (i === 637) throw new RangeError(`bad ${i}`);
        return i;
      })
      .collect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ItemError);
    const itemError = error as ItemError;
    expect(itemError.index).toBe(637);
    expect(itemError.stage).toBe('map');
    expect(itemError.message).toContain('item 637');
    expect(itemError.cause).toBeInstanceOf(RangeError);
    expect((itemError.cause as Error).message).toBe('bad 637');
  });

  it('should keep a custom class name and own properties on the cause', async () => {
    const error = (await pool
      .par(['a', 'b'])
      .with({})
      .forEach((s) => {
        class ParseError extends Error {
          code = 'E_PARSE';
        }
        if (s === 'b') throw Object.assign(new ParseError('nope'), { name: 'ParseError' });
      })
      .catch((e: unknown) => e)) as ItemError;
    expect(error.index).toBe(1);
    expect((error.cause as Error).name).toBe('ParseError');
    expect((error.cause as ParseError).code).toBe('E_PARSE');
  });

  it('should report the lowest failing index when several pieces fail', async () => {
    const error = (await pool
      .par(range(0, 400))
      .withMaxLen(10)
      .filter((i) => {
        if (i % 100 === 50) throw new Error(`x${i}`);
        return true;
      })
      .count()
      .catch((e: unknown) => e)) as ItemError;
    expect(error).toBeInstanceOf(ItemError);
    expect(error.index % 100).toBe(50);
    expect(error.stage).toBe('filter');
  });

  it('should name the stage of an init, a reduce and a predicate', async () => {
    await expect(
      pool
        .par([1, 2])
        .withMinLen(2) // one piece, so the init that throws is the one of the piece at item 0
        .mapInit(
          () => {
            throw new TypeError('no state');
          },
          (_s, x) => x,
        )
        .collect(),
    ).rejects.toThrow(/mapInit init callback threw on item 0: TypeError: no state/);
    await expect(
      pool.par([1, 2, 3]).reduce(0, (a, b) => {
        if (b === 3) throw new Error('op');
        return a + b;
      }),
    ).rejects.toThrow(/reduce callback threw on item 2/);
    await expect(
      pool.par([1, 2, 3]).all((x) => {
        if (x === 2) throw new Error('pred');
        return true;
      }),
    ).rejects.toThrow(/all callback threw on item 1/);
  });

  it('should explain a variable the shipped function cannot see', async () => {
    const outside = 5;
    const error = (await pool
      .par([1])
      .map((x) => x + outside)
      .collect()
      .catch((e: unknown) => e)) as ItemError;
    expect(error.cause).toBeInstanceOf(ReferenceError);
    expect((error.cause as Error).message).toMatch(/outside/);
  });

  it('should leave the pool usable after errors', async () => {
    for (let k = 0; k < 3; k++) {
      await expect(
        pool
          .par(range(0, 100))
          .map(() => {
            throw new Error('again');
          })
          .sum(),
      ).rejects.toThrow(ItemError);
    }
    expect(await pool.par(range(0, 100)).sum()).toBe(4950);
  });
});

describe('a worker that dies', () => {
  it('should reject with a ThreadError and be replaced', async ({ skip }) => {
    skip(!withNodeApis, 'process.exit in a thread (worker_threads)');
    const local = new ThreadPool({ numThreads: 2 });
    try {
      const error = await local
        .par(range(0, 4))
        .withMaxLen(1)
        .forEach((i) => {
          if (i === 2) process.exit(7);
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ThreadError);
      expect((error as ThreadError).exitCode).toBe(7);
      expect(
        await local
          .par(range(0, 1000))
          .map((i) => i * 2)
          .sum(),
      ).toBe(999000);
    } finally {
      await local.close();
    }
  });
});

describe('argument checks', () => {
  it('should throw at once for a non-function callback, naming it', () => {
    expect(() => par([1]).map(42 as never)).toThrow(TypeError);
    expect(() => par([1]).map(42 as never)).toThrow(
      /map\(f\): expected a function or a module task \{ module, name \}, got 42/,
    );
    expect(() => par([1]).mapInit(() => 1, 'x' as never)).toThrow(/mapInit\(f\)/);
  });

  it('should reject a terminal given a non-function callback before doing any work', async () => {
    await expect(pool.par([1]).any(null as never)).rejects.toThrow(/any\(f\)/);
    await expect(pool.par([1]).reduce(0, {} as never)).rejects.toThrow(TypeError);
  });

  it('should reject bad sources and ranges', () => {
    expect(() => par(5 as never)).toThrow(
      /par: source must be a Range, an array, an array-like or a typed array, got 5/,
    );
    expect(() => range(0, 1.5)).toThrow(RangeError);
    expect(() => range(0, 1.5)).toThrow(/range: end must be a safe integer, got 1.5/);
    expect(() => range(5, 2)).toThrow(/end must not be less than start, got start 5 and end 2/);
    expect(() => range('0' as never, 2)).toThrow(TypeError);
  });

  it('should reject a bad signal option', async () => {
    await expect(pool.par([1]).sum({ signal: 'x' as never })).rejects.toThrow(
      /options.signal must be an AbortSignal/,
    );
  });

  it('should reject a context that cannot be cloned, and stay usable', async () => {
    await expect(
      pool
        .par([1, 2])
        .with({ fn: () => 1 })
        .sum(),
    ).rejects.toThrow(/structured-cloneable/);
    expect(await pool.par([1, 2]).sum()).toBe(3);
  });

  it('should reject a result that cannot be sent back', async () => {
    await expect(
      pool
        .par([1, 2])
        .map(() => () => 1)
        .collect(),
    ).rejects.toThrow(/could not be sent back/);
    expect(await pool.par([1, 2]).sum()).toBe(3);
  });
});

describe('join', () => {
  it('should run both sides to the end and report a when both throw', async () => {
    const marks = new Int32Array(new SharedArrayBuffer(8));
    const error = (await pool
      .join(
        ({ marks }) => {
          Atomics.store(marks, 0, 1);
          throw new TypeError('a failed');
        },
        ({ marks }) => {
          Atomics.store(marks, 1, 1);
          throw new RangeError('b failed');
        },
        { marks },
      )
      .catch((e: unknown) => e)) as JoinError;
    expect(error).toBeInstanceOf(JoinError);
    expect(error.side).toBe('a');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(Array.from(marks)).toEqual([1, 1]);
  });

  it('should report b when only b throws', async () => {
    const error = (await pool
      .join(
        () => 1,
        () => {
          throw new Error('b only');
        },
      )
      .catch((e: unknown) => e)) as JoinError;
    expect(error.side).toBe('b');
  });
});

describe('options.signal', () => {
  it('should reject with an AbortError and stop claiming pieces', async () => {
    const controller = new AbortController();
    const ran = new Int32Array(new SharedArrayBuffer(4));
    const pending = pool
      .par(range(0, 100_000))
      .withMaxLen(10)
      .with({ ran })
      .forEach(
        (_i, { ran }) => {
          Atomics.add(ran, 0, 1);
          const until = Date.now() + 1;
          while (Date.now() < until) {}
        },
        { signal: controller.signal },
      );
    while (Atomics.load(ran, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const atAbort = Atomics.load(ran, 0);
    controller.abort(new Error('user stop'));
    const error = await pending.catch((e: unknown) => e);
    const atReject = Atomics.load(ran, 0);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe('AbortError');
    expect(((error as Error).cause as Error).message).toBe('user stop');
    // Each worker finishes at most the piece (of at most 10 items) it was in, or had just claimed
    // as the abort landed; then the call settles, and nothing of it runs any more.
    expect(atReject - atAbort).toBeLessThanOrEqual(2 * 2 * 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Atomics.load(ran, 0)).toBe(atReject);
    expect(await pool.par(range(0, 10)).sum()).toBe(45);
  });

  it('should terminate and replace a worker stuck in a callback after an abort', async () => {
    const local = new ThreadPool({ numThreads: 2 });
    try {
      const controller = new AbortController();
      const started = new Int32Array(new SharedArrayBuffer(4));
      const pending = local
        .par(range(0, 2))
        .withMaxLen(1)
        .with({ started })
        .forEach(
          (_i, { started }) => {
            Atomics.add(started, 0, 1);
            for (;;) {}
          },
          { signal: controller.signal },
        );
      while (Atomics.load(started, 0) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await expect(pending).rejects.toThrow(AbortError);
      expect(await local.par(range(0, 100)).sum()).toBe(4950);
    } finally {
      await local.close();
    }
  });

  it('should not fail a call queued behind an aborted one whose worker is terminated', async () => {
    // One worker: B waits behind A. A never returns, so the abort terminates the worker; B had not
    // started there and goes to the replacement.
    const local = new ThreadPool({ numThreads: 1 });
    try {
      const controller = new AbortController();
      const started = new Int32Array(new SharedArrayBuffer(4));
      const a = local
        .par(range(0, 1))
        .with({ started })
        .forEach(
          (_i, { started }) => {
            Atomics.store(started, 0, 1);
            for (;;) {}
          },
          { signal: controller.signal },
        );
      const b = local.par(range(0, 10)).sum();
      const c = local.join(
        () => 'a',
        () => 'b',
      );
      while (Atomics.load(started, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const [ra, rb, rc] = await Promise.allSettled([a, b, c]);
      expect(ra.status === 'rejected' && ra.reason).toBeInstanceOf(AbortError);
      expect(rb).toEqual({ status: 'fulfilled', value: 45 });
      expect(rc).toEqual({ status: 'fulfilled', value: ['a', 'b'] });
    } finally {
      await local.close();
    }
  });

  it('should not terminate a worker running another call when an aborted call waits behind it', async () => {
    // One worker: B runs (well past the abort grace), A waits behind it and is aborted. A's worker
    // is busy with B, not with A: it must be left alone, and A ends when it starts.
    const local = new ThreadPool({ numThreads: 1 });
    try {
      const controller = new AbortController();
      const started = new Int32Array(new SharedArrayBuffer(4));
      const b = local
        .par(range(0, 300))
        .withMinLen(300)
        .with({ started })
        .map((i, { started }) => {
          Atomics.store(started, 0, 1);
          const until = Date.now() + 5;
          while (Date.now() < until) {}
          return i;
        })
        .sum();
      const a = local.par(range(0, 10)).sum({ signal: controller.signal });
      while (Atomics.load(started, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const [ra, rb] = await Promise.allSettled([a, b]);
      expect(ra.status === 'rejected' && ra.reason).toBeInstanceOf(AbortError);
      expect(rb).toEqual({ status: 'fulfilled', value: 44_850 });
    } finally {
      await local.close();
    }
  });

  it('should stop a slow callback between items, without terminating its worker', async () => {
    const local = new ThreadPool({ numThreads: 1 });
    const threadOf = { module: new URL('./fixtures/tasks.mjs', import.meta.url), name: 'slowThreadId' };
    try {
      const [before] = await local.par([0]).with({ ms: 0 }).map(threadOf).collect();
      const controller = new AbortController();
      const ran = new Int32Array(new SharedArrayBuffer(4));
      // One piece of 4096 items of 2 ms: checked only every 1024 items, it would run 2 s past
      // the abort and be terminated after the 500 ms grace.
      const pending = local
        .par(range(0, 4096))
        .withMinLen(4096)
        .with({ ran })
        .forEach(
          (_i, { ran }) => {
            Atomics.add(ran, 0, 1);
            const until = Date.now() + 2;
            while (Date.now() < until) {}
          },
          { signal: controller.signal },
        );
      while (Atomics.load(ran, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await expect(pending).rejects.toThrow(AbortError);
      const [after] = await local.par([0]).with({ ms: 0 }).map(threadOf).collect();
      expect(after).toBe(before);
    } finally {
      await local.close();
    }
  });

  it('should reject at once when the signal already fired', async () => {
    await expect(pool.par([1]).collect({ signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    await expect(
      pool.join(
        () => 1,
        () => 2,
        undefined,
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toThrow(AbortError);
  });
});
