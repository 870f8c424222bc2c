// What only a cross-origin isolated page can show: the browser build's Web Worker threads, and the
// main-thread rules (a page forbids Atomics.wait and has no `process`). Run in Chromium by
// vitest.browser.config.ts; the Node configuration leaves test/browser/ out.
import { AbortError, scope, syncChannel, TimeoutError } from '@herd/scope';
import { currentThreadId, isMainThread, platform } from '@herd/scope/runtime';
import { describe, expect, it } from 'vitest';

/** What `fn` threw, as `name: message`, or that it did not throw. */
function thrown(fn: () => unknown): string {
  try {
    fn();
    return 'nothing thrown';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('@herd/scope in a page', () => {
  it('should run in a cross-origin isolated page without Node globals, on the browser build', () => {
    expect((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated).toBe(true);
    expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined');
    expect(platform.name).toBe('web');
  });

  it('should say the page is a main thread with id 0, without reaching for process', () => {
    expect(isMainThread()).toBe(true);
    expect(currentThreadId()).toBe(0);
  });

  it('should run spawned functions in Web Workers, each with its own runtime id', async () => {
    const seen = await scope((s) =>
      Promise.all(
        [0, 1, 2].map((i) =>
          s
            .spawn((i: number) => {
              // What currentThreadId() and isMainThread() read in a thread the runtime started.
              const context = (globalThis as Record<symbol, { id: number; main: boolean } | undefined>)[
                Symbol.for('@herd/thread')
              ];
              return {
                i,
                id: context?.id,
                main: context?.main,
                webWorker: typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope,
                process: typeof (globalThis as { process?: unknown }).process,
              };
            }, i)
            .join(),
        ),
      ),
    );
    expect(seen.map((t) => t.i)).toEqual([0, 1, 2]);
    for (const thread of seen) {
      expect(thread).toMatchObject({ main: false, webWorker: 'function', process: 'undefined' });
      expect(thread.id).toBeGreaterThan(0);
    }
    expect(new Set(seen.map((t) => t.id)).size).toBe(3);
  });

  it('should carry numbers between Web Workers and the page through a channel, every one once', async () => {
    const [tx, rx] = syncChannel(64);
    const producers = 3;
    const each = 20_000;
    const sum = await scope(async (s) => {
      for (let p = 0; p < producers; p++) {
        const mine = tx.clone();
        s.spawn(
          (tx: typeof mine, p: number, n: number) => {
            for (let i = 0; i < n; i++) tx.send(p * n + i);
            tx.close();
          },
          mine,
          p,
          each,
        );
      }
      tx.close();
      const got = new Uint8Array(producers * each);
      for await (const v of rx) got[v]!++;
      return got;
    });
    expect(sum.every((count) => count === 1)).toBe(true);
  });

  it('should settle an aborted scope only once its busy Web Worker stopped, so nothing it does comes after', async () => {
    // Chromium lets a worker that runs JavaScript go on for 2 s after terminate(): had the scope
    // settled (and given back what the thread held) before that, the thread would still write.
    const counter = new Int32Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    const aborted = scope(
      (s) => {
        s.spawn((counter: Int32Array) => {
          Atomics.store(counter, 1, 1);
          for (;;) Atomics.add(counter, 0, 1);
        }, counter);
      },
      { signal: controller.signal },
    ).catch((error: unknown) => error);
    while (Atomics.load(counter, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    const settledAt = Atomics.load(counter, 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Atomics.load(counter, 0)).toBe(settledAt);
  });

  it('should time a scope out and terminate its Web Workers', async () => {
    await expect(
      scope(
        (s) => {
          s.spawn(() => {
            for (;;) {}
          });
        },
        { timeout: 200 },
      ),
    ).rejects.toThrow(TimeoutError);
  });
});

describe('blocking channel forms on a page main thread', () => {
  // A page forbids Atomics.wait on its main thread (it throws "Atomics.wait cannot be called in
  // this context"); the blocking forms must say which async form to use instead.
  it('should refuse recv on an empty channel, naming recvAsync', () => {
    const [tx, rx] = syncChannel(1);
    expect(thrown(() => rx.recv())).toMatch(/recvAsync/);
    tx.close();
    rx.close();
  });

  it('should refuse recvTimeout, naming recvAsync', () => {
    const [tx, rx] = syncChannel(1);
    expect(thrown(() => rx.recvTimeout(10))).toMatch(/recvAsync/);
    tx.close();
    rx.close();
  });

  it('should refuse sync iteration of an open channel, naming for await', () => {
    const [tx, rx] = syncChannel(1);
    expect(thrown(() => [...rx])).toMatch(/for await/);
    tx.close();
    rx.close();
  });

  it('should refuse send on a full channel, naming sendAsync', () => {
    const [tx, rx] = syncChannel(1);
    expect(tx.trySend(1)).toBe(true);
    expect(thrown(() => tx.send(2))).toMatch(/sendAsync/);
    tx.close();
    rx.close();
  });

  it('should refuse send on a rendezvous channel, naming sendAsync', () => {
    const [tx, rx] = syncChannel(0);
    expect(thrown(() => tx.send(1))).toMatch(/sendAsync/);
    tx.close();
    rx.close();
  });
});
