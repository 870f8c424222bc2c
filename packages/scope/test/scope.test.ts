import { Worker } from 'node:worker_threads';
import { AbortError, liveThreads, scope, ThreadError, TimeoutError } from '@herd/scope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runtime, withNodeApis } from '../../../scripts/test-runtime.js';
import { settles } from './settles.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

afterEach(() => {
  vi.restoreAllMocks();
  expect(liveThreads()).toBe(0);
});

describe('scope', () => {
  it('should resolve with the body result after every thread ended', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(8));
    const result = await scope((s) => {
      for (let i = 0; i < 3; i++) {
        s.spawn(
          (cells: Int32Array, i: number) => {
            Atomics.wait(cells, 1, 0, 30);
            Atomics.add(cells, 0, i + 1);
          },
          cells,
          i,
        );
      }
      return 'body';
    });
    expect(result).toBe('body');
    expect(Atomics.load(cells, 0)).toBe(6);
  });

  it('should give each thread result through join, awaited and cloned back', async () => {
    const [sum, object] = await scope(async (s) => {
      const a = s.spawn((x: number, y: number) => x + y, 40, 2);
      const b = s.spawn(async (o: { n: number }) => ({ ...o, doubled: o.n * 2, at: new Date(0) }), { n: 4 });
      expect([a.index, b.index]).toEqual([0, 1]);
      return [await a.join(), await b.join()] as const;
    });
    expect(sum).toBe(42);
    expect(object).toEqual({ n: 4, doubled: 8, at: new Date(0) });
  });

  it('should run module tasks by URL and string, dotted names included', async () => {
    const values = await scope(async (s) => {
      const a = s.spawn<number>({ module: fixture('tasks.mjs'), name: 'double' }, 21);
      const b = s.spawn<number>({ module: fixture('tasks.mjs').href, name: 'nested.triple' }, 2);
      return [await a.join(), await b.join()];
    });
    expect(values).toEqual([42, 6]);
  });

  it('should run functions compiled with esbuild keepNames and tsc helpers', async () => {
    // What esbuild (keepNames) and tsc (target ES2015) leave in a function body.
    const compiled = new Function(`return function work(n) {
      const square = /* @__PURE__ */ __name((x) => x * x, "square");
      return __awaiter(this, void 0, void 0, function* () { return square(yield Promise.resolve(n)) + square.name; });
    }`)() as (n: number) => Promise<string>;
    const value = await scope((s) => s.spawn(compiled, 3).join());
    expect(value).toBe('9square');
  });

  it('should reject with a ThreadError carrying the original error, class and own properties', async () => {
    const error = await scope((s) => {
      s.spawn(() => 1);
      s.spawn(() => {
        const inner = new RangeError('too far', { cause: new TypeError('root') });
        throw Object.assign(inner, { code: 'E_FAR' });
      });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadError);
    const threadError = error as ThreadError;
    expect([threadError.index, threadError.exitCode, threadError.threadId > 0]).toEqual([1, undefined, true]);
    const cause = threadError.cause as RangeError & { code: string };
    expect(cause).toBeInstanceOf(RangeError);
    expect([cause.name, cause.message, cause.code]).toEqual(['RangeError', 'too far', 'E_FAR']);
    expect(cause.stack).toMatch(/too far\n\s+at /);
    expect(cause.cause).toBeInstanceOf(TypeError);
    expect(threadError.message).toBe('thread 1 threw RangeError: too far');
  });

  it('should rethrow an error of a class given to herdClass as that class, methods included', async () => {
    const { QuotaError } = await import('./fixtures/quota-error.mjs');
    const error = (await scope((s) => {
      s.spawn({ module: fixture('quota-error.mjs'), name: 'overQuota' }, 5);
    }).catch((e: unknown) => e)) as ThreadError;
    expect(error).toBeInstanceOf(ThreadError);
    expect(error.cause).toBeInstanceOf(QuotaError);
    expect((error.cause as InstanceType<typeof QuotaError>).describe()).toBe('over quota (limit 5)');
  });

  it('should report a thread that calls process.exit(3) with its exit code', async ({ skip }) => {
    skip(!withNodeApis, 'process.exit in a thread (worker_threads)');
    const error = (await scope((s) => {
      s.spawn(() => process.exit(3));
    }).catch((e: unknown) => e)) as ThreadError;
    expect(error).toBeInstanceOf(ThreadError);
    expect([error.exitCode, error.message]).toEqual([3, 'thread 0 exited with code 3 before returning']);
  });

  it('should gather several failures into an AggregateError after all threads ended', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const error = (await scope((s) => {
      s.spawn(() => {
        throw new Error('a');
      });
      s.spawn(() => {
        throw new Error('b');
      });
      s.spawn((cells: Int32Array) => {
        Atomics.wait(cells, 0, 0, 50);
        Atomics.store(cells, 0, 7);
      }, cells);
    }).catch((e: unknown) => e)) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors.map((e: ThreadError) => (e.cause as Error).message).sort()).toEqual(['a', 'b']);
    expect(Atomics.load(cells, 0)).toBe(7);
  });

  it('should not throw again an error the body took through join', async () => {
    const caught = await scope(async (s) => {
      const failing = s.spawn(() => {
        throw new SyntaxError('seen');
      });
      return failing.join().catch((e: ThreadError) => (e.cause as Error).name);
    });
    expect(caught).toBe('SyntaxError');
  });

  it('should explain a variable the function cannot see and say to pass it as an argument', async () => {
    const limit = 3;
    const error = (await scope((s) => {
      s.spawn(() => limit * 2);
    }).catch((e: unknown) => e)) as ThreadError;
    const cause = error.cause as ReferenceError;
    expect(cause).toBeInstanceOf(ReferenceError);
    expect(cause.message).toMatch(/uses "limit", which it cannot see.*Pass it as an argument/);
  });

  it('should name the position of an argument that cannot be cloned and start no thread', async () => {
    await expect(
      scope((s) => {
        s.spawn(
          (a: number, b: () => void) => a + Number(b),
          1,
          () => {},
        );
      }),
    ).rejects.toThrow(/spawn argument 1 cannot be cloned into a thread/);
  });

  it('should reject a bad task, body or option with a TypeError/RangeError naming it', async () => {
    await expect(scope((s) => void s.spawn(42 as never))).rejects.toThrow(
      new TypeError('fn must be a function or { module, name }, got 42'),
    );
    await expect(scope(null as never)).rejects.toThrow(new TypeError('body must be a function, got null'));
    await expect(scope(() => 1, { timeout: -5 })).rejects.toThrow(
      new RangeError('options.timeout must be a number of milliseconds >= 0, got -5'),
    );
    await expect(scope(() => 1, { signal: {} as never })).rejects.toThrow(
      /options.signal must be an AbortSignal/,
    );
  });

  it('should refuse to spawn after the scope ended', async () => {
    let saved: Parameters<Parameters<typeof scope>[0]>[0] | undefined;
    await scope((s) => {
      saved = s;
    });
    expect(() => saved!.spawn(() => 1)).toThrow(/this scope has ended/);
  });

  it('should terminate a thread that never ends past the timeout and reject with TimeoutError', async () => {
    await expect(
      scope(
        (s) => {
          s.spawn(() => {
            for (;;);
          });
          s.spawn(() => 'quick');
        },
        { timeout: 150 },
      ),
    ).rejects.toThrow(TimeoutError);
  });

  it('should terminate its threads when aborted and reject with AbortError', async () => {
    const controller = new AbortController();
    const cells = new Int32Array(new SharedArrayBuffer(4));
    const running = scope(
      (s) => {
        s.spawn((cells: Int32Array) => {
          Atomics.store(cells, 0, 1);
          Atomics.notify(cells, 0);
          Atomics.wait(cells, 0, 1);
        }, cells);
      },
      { signal: controller.signal },
    );
    while (Atomics.load(cells, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort(new Error('stop now'));
    const error = (await running.catch((e: unknown) => e)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    expect((error.cause as Error).message).toBe('stop now');
    await expect(scope(() => 1, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
  });

  // Deno's worker_threads reports `exit` as soon as terminate() is called, while the worker runs
  // on: what a dead thread held would then be taken back under it.
  it('should settle an aborted scope only once its terminated thread runs no more code', async () => {
    for (let round = 0; round < 3; round++) {
      const controller = new AbortController();
      const counter = new Int32Array(new SharedArrayBuffer(8));
      const running = scope(
        (s) => {
          s.spawn((counter: Int32Array) => {
            Atomics.store(counter, 1, 1);
            for (;;) Atomics.add(counter, 0, 1);
          }, counter);
        },
        { signal: controller.signal },
      );
      while (Atomics.load(counter, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      controller.abort();
      await expect(running).rejects.toThrow(AbortError);
      const atSettle = Atomics.load(counter, 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(Atomics.load(counter, 0) - atSettle).toBe(0);
    }
  });

  it('should reject with a TimeoutError the body threw itself, after its threads ended', async ({ skip }) => {
    skip(!withNodeApis, 'a child process (test/settles.ts)');
    expect(await settles('body-timeout')).toEqual({
      name: 'TimeoutError',
      message: 'recvAsync: nothing arrived within 1 ms',
      timeoutError: true,
      same: true,
      threadRan: 1,
      live: 0,
    });
    expect(await settles('body-timeout-with-option')).toEqual({
      name: 'TimeoutError',
      message: 'the body timed out',
      same: true,
    });
  });

  it('should reject with an AbortError the body threw itself', async ({ skip }) => {
    skip(!withNodeApis, 'a child process (test/settles.ts)');
    expect(await settles('body-abort')).toEqual({
      name: 'AbortError',
      message: 'the body gave up',
      same: true,
      live: 0,
    });
  });

  it('should not hang when terminate() hangs', async ({ skip }) => {
    skip(!withNodeApis, "node:worker_threads' Worker.prototype.terminate");
    const terminate = Worker.prototype.terminate;
    const hung = vi.spyOn(Worker.prototype, 'terminate').mockImplementation(function (this: Worker) {
      void terminate.call(this);
      return new Promise(() => {});
    });
    await expect(
      scope(
        (s) => {
          s.spawn(() => {
            for (;;);
          });
        },
        { timeout: 50 },
      ),
    ).rejects.toThrow(TimeoutError);
    expect(hung).toHaveBeenCalled();
    // The worker itself was terminated; wait for its exit so no thread outlives the test.
    for (let i = 0; i < 200 && liveThreads() > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('should pass env and execArgv through to the threads', async ({ skip }) => {
    skip(
      runtime !== 'node' && runtime !== 'bun',
      "a worker's execArgv as node:process exports it (Node, Bun)",
    );
    const report = await scope(
      (s) =>
        s
          .spawn<{ flag: string; execArgv: string[] }>({ module: fixture('env-task.mjs'), name: 'report' })
          .join(),
      { env: { ...process.env, HERD_TEST_FLAG: 'on' }, execArgv: ['--enable-source-maps'] },
    );
    expect(report).toEqual({ flag: 'on', execArgv: ['--enable-source-maps'] });
  });
});
