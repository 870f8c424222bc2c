import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { runtime } from '../../../scripts/test-runtime.js';
import { Herd, HerdBusyError } from '../src/index.js';
import { exited, startFixture } from './helpers.js';

describe('the README recipes for threads of other libraries', () => {
  for (const how of ['exit', 'throw']) {
    it(`should return the leases of a worker_threads Worker that dies (${how}) through releaseOnExit`, async () => {
      const herd = new Herd({ maxBytes: 1 << 20 });
      const out = new SharedArrayBuffer(4);
      const worker = startFixture('die-holding.mjs', { herd: herd.toShared(), out, how });
      herd.releaseOnExit(worker);
      await exited(worker);
      expect(herd.leased()).toBe(0);
      expect(herd.memory.str(new Int32Array(out)[0]!)).toBe('written before dying');
      herd.reset();
    });
  }

  it('should refuse releaseOnExit of what is not a live Worker', async ({ skip }) => {
    skip(runtime === 'deno', "an exited Worker's threadId of -1, as Node and Bun set it (Deno keeps it)");
    const herd = new Herd({ maxBytes: 1 << 20 });
    expect(() => herd.releaseOnExit({} as never)).toThrow(/worker must be a worker_threads Worker/);
    const worker = startFixture('die-holding.mjs', {
      herd: herd.toShared(),
      out: new SharedArrayBuffer(4),
      how: 'exit',
    });
    await exited(worker);
    expect(() => herd.releaseOnExit(worker)).toThrow(/already exited/);
  });

  it('should return the leases of a piscina worker that dies, with the workerCreate recipe', async () => {
    const herd = new Herd({ maxBytes: 1 << 22 });
    const pool = new Piscina({
      filename: new URL('./fixtures/piscina-task.mjs', import.meta.url).href,
      minThreads: 2,
      maxThreads: 2,
      workerData: { herd: herd.toShared() },
    });
    pool.on('workerCreate', ({ id }: { id: number }) => {
      const worker = pool.threads.find((thread) => thread.threadId === id);
      if (worker) herd.releaseOnExit(worker);
    });
    try {
      const ptrs = await Promise.all(['a', 'b', 'c'].map((text) => pool.run({ text }) as Promise<number>));
      expect(ptrs.map((p) => herd.memory.str(p))).toEqual(['a', 'b', 'c']);
      await expect(pool.run({ die: true })).rejects.toThrow();
      // The dead worker's exit reaches the herd a moment after piscina rejects its task.
      await expect.poll(() => herd.leased()).toBe(0);
      expect(() => herd.reset()).not.toThrow(HerdBusyError);
    } finally {
      await pool.destroy();
    }
  });
});
