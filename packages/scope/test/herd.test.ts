import { AllocError, Herd, MemberReleasedError } from '@herd/herd';
import { liveThreads, type Receiver, type Sender, scope, syncChannel, ThreadError } from '@herd/scope';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runtime, withNodeApis } from '../../../scripts/test-runtime.js';

afterEach(() => {
  vi.restoreAllMocks();
  expect(liveThreads()).toBe(0);
});

describe('scope with a Herd', () => {
  it('should run the producer/consumer example of the design and print Hello', async ({ skip }) => {
    skip(
      runtime !== 'node' && runtime !== 'bun',
      "a worker's console output on the parent's process.stdout (Node, Bun)",
    );
    const herd = new Herd({ maxBytes: 64 << 20 });
    const printed: string[] = [];
    // Worker console output reaches the parent's process.stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const [tx, rx] = syncChannel(10);
    await scope((s) => {
      s.spawn(
        (herd, tx) => {
          const bump = herd.get();
          tx.send(bump.allocStr('Hello'));
          bump.release();
          tx.close();
        },
        herd,
        tx,
      );
      s.spawn(
        (herd, rx) => {
          for (const p of rx) console.log(herd.memory.str(p));
        },
        herd,
        rx,
      );
    });
    vi.restoreAllMocks();
    expect(printed.join('')).toContain('Hello\n');
    expect(herd.leased()).toBe(0);
    herd.reset();
  });

  it('should return the lease of a thread that dies holding it, so reset works', async ({ skip }) => {
    skip(!withNodeApis, 'process.exit in a thread (worker_threads)');
    const herd = new Herd({ maxBytes: 16 << 20 });
    const [tx, rx] = syncChannel(4);
    const error = await scope(async (s) => {
      s.spawn(
        (herd: Herd, tx: Sender) => {
          const member = herd.get();
          tx.send(member.allocStr('kept after death'));
          process.exit(7);
        },
        herd,
        tx,
      );
      const ptr = await rx.recvAsync();
      expect(herd.memory.str(ptr)).toBe('kept after death');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadError);
    expect((error as ThreadError).exitCode).toBe(7);
    expect(herd.leased()).toBe(0);
    herd.reset();
  });

  it("should bring the herd's own errors back as their classes", async () => {
    const herd = new Herd({ maxBytes: 1 << 20 });
    const failure = (body: (herd: Herd) => void): Promise<ThreadError> =>
      scope((s) => {
        s.spawn(body, herd);
      }).then(
        () => {
          throw new Error('the thread should have failed');
        },
        (error: unknown) => error as ThreadError,
      );
    const released = await failure((herd) => {
      const bump = herd.get();
      bump.release();
      bump.alloc(8);
    });
    expect(released).toBeInstanceOf(ThreadError);
    expect(released.cause).toBeInstanceOf(MemberReleasedError);
    const full = await failure((herd) => {
      herd.get().alloc(2 ** 30);
    });
    expect(full.cause).toBeInstanceOf(AllocError);
    expect((full.cause as AllocError).size).toBe(2 ** 30);
    expect(herd.leased()).toBe(0);
  });

  it('should let threads allocate strings that outlive them and are read by pointer', async () => {
    const herd = new Herd({ maxBytes: 16 << 20 });
    const [tx, rx] = syncChannel(64);
    const words: string[] = [];
    await scope(async (s) => {
      for (let t = 0; t < 2; t++) {
        s.spawn(
          (herd: Herd, tx: Sender, t: number) => {
            const bump = herd.get();
            for (let i = 0; i < 100; i++) tx.send(bump.allocStr(`t${t}-${i}`));
            bump.release();
          },
          herd,
          t === 0 ? tx.clone() : tx,
          t,
        );
      }
      const reader = s.spawn(
        (rx: Receiver, herd: Herd) => {
          const out: string[] = [];
          for (const p of rx) out.push(herd.memory.str(p));
          return out;
        },
        rx,
        herd,
      );
      words.push(...(await reader.join()));
    });
    expect(words.sort()).toEqual(
      [0, 1].flatMap((t) => Array.from({ length: 100 }, (_, i) => `t${t}-${i}`)).sort(),
    );
    herd.reset();
  });
});
