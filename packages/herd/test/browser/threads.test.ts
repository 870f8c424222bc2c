// A herd shared by the page and Web Workers that another library started (plain
// `new Worker(…, { type: 'module' })`, no Herd runtime): what a page can do with @herd/herd alone.
// Run in Chromium by vitest.browser.config.ts; the Node configuration leaves test/browser/ out.
import { describe, expect, it } from 'vitest';
import { H_LOCK } from '../../src/herd-layout.js';
import { Herd, HerdBusyError } from '../../src/index.js';
import { assertDisjoint } from '../helpers.js';

interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message: string }) => void) | null;
}

declare const Worker: new (url: URL, options: { type: 'module' }) => WebWorker;

function reply(worker: WebWorker, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`the worker failed: ${event.message}`));
    worker.postMessage(message);
  });
}

describe('Herd in a page', () => {
  it('should say the page is a main thread with id 0, without Node globals', async () => {
    const { currentThreadId, isMainThread } = await import('@herd/shared');
    expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined');
    expect(isMainThread()).toBe(true);
    expect(currentThreadId()).toBe(0);
  });

  it('should keep every record of 4 Web Workers allocating 50k records each at once', async () => {
    const workers = 4;
    const count = 50_000;
    const herd = new Herd({ maxBytes: 64 << 20, chunkSize: 4096 });
    const out = new SharedArrayBuffer(workers * count * 4);
    const started = Array.from(
      { length: workers },
      () => new Worker(new URL('./fixtures/records-worker.ts', import.meta.url), { type: 'module' }),
    );
    try {
      const replies = await Promise.all(
        started.map((worker, id) => reply(worker, { herd: herd.toShared(), id, count, churn: 997, out })),
      );
      expect(replies).toEqual(started.map(() => 'done'));
    } finally {
      for (const worker of started) worker.terminate();
    }
    expect(herd.leased()).toBe(0);
    const m = herd.memory;
    const ptrs = new Uint32Array(out);
    const ranges: Array<[number, number]> = [];
    let wrong = 0;
    for (let id = 0; id < workers; id++) {
      for (let i = 0; i < count; i++) {
        const p = ptrs[id * count + i]!;
        if (
          p % 8 !== 0 ||
          m.u32[p >>> 2] !== id ||
          m.u32[(p >>> 2) + 1] !== i ||
          m.f64[(p >>> 3) + 1] !== id * i
        )
          wrong++;
        ranges.push([p, p + 16]);
      }
    }
    expect(wrong).toBe(0);
    assertDisjoint(ranges);
    herd.reset();
    expect(herd.allocatedBytes()).toBe(0);
  });

  it('should spin on the page until a Web Worker lets go of the lock, never calling Atomics.wait', async () => {
    const herd = new Herd({ maxBytes: 1 << 20 });
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./fixtures/hold-lock-worker.ts', import.meta.url), { type: 'module' });
    const waits: unknown[] = [];
    const wait = Atomics.wait;
    try {
      const words = new Int32Array(herd.toShared().buffer);
      // Held for 1 s: long enough that the page surely asks while it is held, well inside the page's
      // 2 s patience (MAIN_THREAD_PATIENCE_MS), so the page gets the lock rather than giving up.
      const released = reply(worker, { buffer: words.buffer, lockIndex: H_LOCK, signal, ms: 1_000 });
      // Bounded, so a worker that never starts fails the test ('timed-out') instead of hanging it;
      // 10 s leaves room for a busy machine.
      const taken = Atomics.waitAsync(signal, 0, 0, 10_000);
      if (taken.async) expect(await taken.value).toBe('ok');
      // The worker holds the lock (as thread 999) when the page asks for a member.
      const holderWhenAsked = Atomics.load(words, H_LOCK);
      // The page's Atomics.wait throws a TypeError; recording calls shows none is even tried.
      Atomics.wait = ((...args: unknown[]) => {
        waits.push(args);
        return (wait as (...a: unknown[]) => ReturnType<typeof Atomics.wait>)(...args);
      }) as typeof Atomics.wait;
      const member = herd.get();
      Atomics.wait = wait;
      const p = member.alloc(8);
      member.memory.f64[p >>> 3] = 42;
      member.release();
      expect(await released).toBe('released');
      expect(holderWhenAsked).toBe(1_000);
      expect(waits).toEqual([]);
      expect(herd.memory.f64[p >>> 3]).toBe(42);
      expect(herd.leased()).toBe(0);
    } finally {
      Atomics.wait = wait;
      worker.terminate();
    }
  });

  it('should give up on a lock whose holder was terminated, then recover through releaseThread', async () => {
    const herd = new Herd({ maxBytes: 1 << 20 });
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./fixtures/hold-lock-worker.ts', import.meta.url), { type: 'module' });
    worker.postMessage({
      buffer: herd.toShared().buffer,
      lockIndex: H_LOCK,
      signal,
      ms: Number.POSITIVE_INFINITY,
    });
    // Bounded as above: a worker that never takes the lock fails the test instead of hanging it.
    const taken = Atomics.waitAsync(signal, 0, 0, 10_000);
    if (taken.async) expect(await taken.value).toBe('ok');
    worker.terminate();
    // The page spins out its patience, then says who holds the lock and what frees it.
    let refused: unknown;
    try {
      herd.get();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HerdBusyError);
    expect((refused as Error).message).toMatch(/held by thread 999 .*releaseThread\(999\)/);
    expect(herd.releaseThread(999)).toBe(0);
    const member = herd.get();
    member.alloc(8);
    member.release();
    herd.reset();
  });
});
