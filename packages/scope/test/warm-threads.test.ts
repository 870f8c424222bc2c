import { Herd, MemberReleasedError } from '@herd/herd';
import { endIdleThreads, idleThreads, liveThreads, scope, syncChannel, ThreadError } from '@herd/scope';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runtime, withNodeApis } from '../../../scripts/test-runtime.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});
afterAll(() => endIdleThreads());

/** The id of the thread a one-task scope ran on. */
function threadOfOneTask(options?: { fresh?: boolean }): Promise<number> {
  return scope(async (s) => {
    const handle = s.spawn(() => 0);
    await handle.join();
    return handle.threadId;
  }, options);
}

describe('warm threads', () => {
  it('should run scopes in a row on the threads earlier scopes left warm', async () => {
    await endIdleThreads();
    const ids = new Set<number>();
    for (let k = 0; k < 5; k++) ids.add(await threadOfOneTask());
    expect(ids.size).toBe(1);
    expect(idleThreads()).toBe(1);
  });

  it('should let a later task on the same thread see the globals an earlier one set, unless fresh', async () => {
    await endIdleThreads();
    await scope((s) => {
      s.spawn(() => {
        (globalThis as Record<string, unknown>).leftBehind = 'by an earlier task';
      });
    });
    const warm = await scope((s) => s.spawn(() => (globalThis as Record<string, unknown>).leftBehind).join());
    expect(warm).toBe('by an earlier task');
    const fresh = await scope(
      (s) => s.spawn(() => (globalThis as Record<string, unknown>).leftBehind).join(),
      {
        fresh: true,
      },
    );
    expect(fresh).toBeUndefined();
  });

  it('should give a fresh scope new threads and end them after their task', async () => {
    const warm = await threadOfOneTask();
    const idle = idleThreads();
    const fresh = await threadOfOneTask({ fresh: true });
    expect(fresh).not.toBe(warm);
    expect(idleThreads()).toBe(idle);
  });

  it('should join a task that left a timer running at once, and not run anything else on its thread', async () => {
    const [ticks, first] = await scope(async (s) => {
      const handle = s.spawn(
        (cells: Int32Array) => {
          setInterval(() => Atomics.add(cells, 0, 1), 1);
          return 'returned';
        },
        new Int32Array(new SharedArrayBuffer(4)),
      );
      return [await handle.join(), handle.threadId] as const;
    });
    expect(ticks).toBe('returned');
    // The next spawns never land on the thread that still has a timer.
    for (let k = 0; k < 3; k++) expect(await threadOfOneTask()).not.toBe(first);
  });

  it('should start new threads for spawns while the warm ones are blocked in recv', async () => {
    const blocked = 6;
    const [tx, rx] = syncChannel(0);
    const sum = await scope(async (s) => {
      const receivers = Array.from({ length: blocked }, () => s.spawn((rx) => rx.recv() * 2, rx.clone()));
      rx.close();
      // Every receiver is parked in recv; one more spawn still runs, and unblocks them all.
      const sender = s.spawn(
        (tx, n: number) => {
          for (let i = 1; i <= n; i++) tx.send(i);
        },
        tx,
        blocked,
      );
      await sender.join();
      let total = 0;
      for (const receiver of receivers) total += await receiver.join();
      return total;
    });
    expect(sum).toBe(blocked * (blocked + 1));
  });

  it('should release the members a task leased when it ends, and refuse a member kept in a global', async ({
    skip,
  }) => {
    skip(
      runtime === 'browser',
      "under Vite's dev server a thread's first import loads the HMR client, whose timer retires the thread: the second task cannot run where the first kept its member",
    );
    const herd = new Herd({ maxBytes: 1 << 22 });
    const keep = (herd: Herd) => {
      const member = herd.get();
      member.allocStr('leased by the first task');
      (globalThis as Record<string, unknown>).keptMember = member;
    };
    await endIdleThreads();
    await scope((s) => {
      s.spawn(keep, herd);
    });
    expect(herd.leased()).toBe(0);
    herd.reset();
    const main = herd.get();
    const mine = main.allocStr('the main thread allocated this after the reset');
    main.release();
    // The same warm thread runs the next task: the kept member must not write into the herd.
    const error = await scope((s) =>
      s
        .spawn(() => {
          const kept = (globalThis as unknown as Record<string, { allocZeroed(n: number): number }>)
            .keptMember!;
          try {
            kept.allocZeroed(64);
            return 'allocated';
          } catch (e) {
            return (e as Error).name;
          }
        })
        .join(),
    );
    expect(error).toBe(MemberReleasedError.name);
    expect(herd.memory.str(mine)).toBe('the main thread allocated this after the reset');
    expect(herd.leased()).toBe(0);
  });

  it('should close the channel ends a task still holds when it ends, and keep the thread for reuse', async () => {
    const [tx, rx] = syncChannel(4);
    await scope((s) => {
      s.spawn((tx) => {
        tx.send(1);
        (globalThis as Record<string, unknown>).keptSender = tx;
      }, tx);
    });
    expect(await rx.recvAsync()).toBe(1);
    // Every sender is gone: the receiver sees the end.
    await expect(rx.recvAsync()).rejects.toThrow(/senders are all closed/);
  });

  it('should report a thread that exits mid-task with its exit code, and not reuse it', async ({ skip }) => {
    skip(!withNodeApis, 'process.exit in a thread (worker_threads)');
    const failed = await scope((s) =>
      s
        .spawn(() => {
          process.exit(9);
        })
        .join()
        .catch((e: unknown) => e),
    );
    expect(failed).toBeInstanceOf(ThreadError);
    expect((failed as ThreadError).exitCode).toBe(9);
    expect(await threadOfOneTask()).not.toBe((failed as ThreadError).threadId);
  });

  it('should wait out a timeout of 2^31 ms or more instead of firing at once', async () => {
    for (const timeout of [2 ** 31, 2 ** 31 + 5, 2 ** 40]) {
      const value = await scope(
        async (s) => {
          const handle = s.spawn(
            (ms: number) => new Promise((resolve) => setTimeout(() => resolve('done'), ms)),
            20,
          );
          return handle.join();
        },
        { timeout },
      );
      expect(value).toBe('done');
    }
  });
});
