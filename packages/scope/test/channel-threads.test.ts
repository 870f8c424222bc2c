import {
  AbortError,
  ChannelClosedError,
  liveThreads,
  type Receiver,
  type Sender,
  scope,
  syncChannel,
  TimeoutError,
} from '@herd/scope';
import { afterEach, describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';
import { settles } from './settles.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});

describe('syncChannel between threads', () => {
  it('should deliver 4 producers x 100k numbers to 2 consumers exactly once, in each producer order', async () => {
    const producers = 4;
    const perProducer = 100_000;
    const [tx, rx] = syncChannel(256);
    const received = await scope(async (s) => {
      for (let p = 0; p < producers; p++) {
        s.spawn(
          (tx: Sender, p: number, n: number, producers: number) => {
            for (let i = 0; i < n; i++) tx.send(i * producers + p);
          },
          p === producers - 1 ? tx : tx.clone(),
          p,
          perProducer,
          producers,
        );
      }
      const consumers = [rx.clone(), rx].map((end) =>
        s.spawn((rx: Receiver) => {
          const got: number[] = [];
          for (const n of rx) got.push(n);
          return got;
        }, end),
      );
      return Promise.all(consumers.map((c) => c.join()));
    });
    const seen = new Uint8Array(producers * perProducer);
    for (const got of received) {
      const last = new Array<number>(producers).fill(-1);
      for (const n of got) {
        seen[n] = (seen[n] ?? 0) + 1;
        const p = n % producers;
        expect(n > last[p]!).toBe(true);
        last[p] = n;
      }
    }
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(received[0]!.length + received[1]!.length).toBe(producers * perProducer);
  });

  it.each([1, 0])('should hold a fast sender back to the receiver with capacity %i', async (capacity) => {
    const [tx, rx] = syncChannel(capacity);
    const progress = new Int32Array(new SharedArrayBuffer(8));
    const observed = await scope(async (s) => {
      s.spawn(
        (tx: Sender, progress: Int32Array) => {
          for (let i = 0; i < 50; i++) {
            tx.send(i);
            Atomics.store(progress, 0, i + 1);
          }
        },
        tx,
        progress,
      );
      const lags: number[] = [];
      const values: number[] = [];
      for await (const n of rx) {
        values.push(n);
        // A sender can be ahead of what was received by the values in the ring plus the one it
        // is blocked on (rendezvous: the one being handed over).
        lags.push(Atomics.load(progress, 0) - values.length);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return { lags, values };
    });
    expect(observed.values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Math.max(...observed.lags)).toBeLessThanOrEqual(capacity);
  });

  it('should make send fail in a thread once the receiver closes', async () => {
    const [tx, rx] = syncChannel(2);
    const outcome = await scope(async (s) => {
      const sender = s.spawn((tx: Sender) => {
        let sent = 0;
        try {
          for (;;) {
            tx.send(sent);
            sent++;
          }
        } catch (error) {
          return [sent >= 1, (error as Error).name];
        }
      }, tx);
      expect(await rx.recvAsync()).toBe(0);
      rx.close();
      return sender.join();
    });
    expect(outcome).toEqual([true, 'ChannelClosedError']);
  });

  it('should wake a rendezvous sender with ChannelClosedError when the receiver closes', async () => {
    const [tx, rx] = syncChannel(0);
    const result = await scope(async (s) => {
      const sender = s.spawn((tx: Sender) => {
        try {
          tx.send(1);
          return 'taken';
        } catch (error) {
          return (error as Error).name;
        }
      }, tx);
      await new Promise((resolve) => setTimeout(resolve, 30));
      rx.close();
      return sender.join();
    });
    expect(result).toBe('ChannelClosedError');
  });

  it('should end a receiving thread once the sender closes, then the ring is drained', async () => {
    const [tx, rx] = syncChannel(4);
    const sum = await scope(async (s) => {
      const receiver = s.spawn((rx: Receiver) => {
        let sum = 0;
        for (const n of rx) sum += n;
        return sum;
      }, rx);
      for (let i = 1; i <= 100; i++) await tx.sendAsync(i);
      tx.close();
      return receiver.join();
    });
    expect(sum).toBe(5050);
  });

  it('should close the ends a thread holds when it ends, even when it threw or exited', async () => {
    const [tx, rx] = syncChannel(4);
    const tx2 = tx.clone();
    const tx3 = tx.clone();
    const errors = await scope(async (s) => {
      const returned = s.spawn((tx: Sender) => tx.send(1), tx);
      const threw = s.spawn((tx: Sender) => {
        tx.send(2);
        throw new Error('after sending');
      }, tx2);
      const exited = s.spawn((tx: Sender) => {
        tx.send(3);
        process.exit(5);
      }, tx3);
      const values: number[] = [];
      for await (const n of rx) values.push(n);
      expect(values.sort()).toEqual([1, 2, 3]);
      return Promise.allSettled([returned.join(), threw.join(), exited.join()]);
    });
    expect(errors.map((e) => e.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
  });

  it('should close the clones a thread made when it is terminated or exits', async ({ skip }) => {
    skip(!withNodeApis, 'a child process (test/settles.ts)');
    expect(await settles('terminated-clone')).toEqual({ scope: 'AbortError', values: [1] });
    expect(await settles('exited-clone')).toEqual({ scope: 'ThreadError', exitCode: 3, values: [1] });
  });

  it('should close the receiver clones of a terminated thread, so sends fail', async () => {
    const [tx, rx] = syncChannel(4);
    await expect(
      scope(
        (s) => {
          s.spawn((rx: Receiver) => {
            rx.clone().clone();
            for (;;);
          }, rx);
        },
        { timeout: 100 },
      ),
    ).rejects.toThrow(TimeoutError);
    expect(() => tx.trySend(1)).toThrow(ChannelClosedError);
  });

  it.each([
    ['is terminated', true],
    ['returns', false],
  ])(
    'should give back the clones of a thread that %s once, leaving other senders counted',
    async (_, terminate) => {
      const [tx, rx] = syncChannel(8);
      const kept = tx.clone();
      const sent = new Int32Array(new SharedArrayBuffer(4));
      const abort = new AbortController();
      const done = scope(
        (s) => {
          s.spawn(
            (tx: Sender, sent: Int32Array, forever: boolean) => {
              const a = tx.clone();
              a.send(1);
              const b = a.clone();
              a.close();
              a.close();
              b.send(2);
              tx.close();
              Atomics.store(sent, 0, 1);
              while (forever);
            },
            tx,
            sent,
            terminate,
          );
        },
        { signal: abort.signal },
      );
      if (terminate) {
        // Terminated once it has sent: how long a thread takes to start depends on the machine's load.
        while (Atomics.load(sent, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        abort.abort();
        await expect(done).rejects.toThrow(AbortError);
      } else {
        await done;
      }
      expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([1, 2, undefined]);
      expect(kept.trySend(3)).toBe(true);
      expect([rx.tryRecv(), rx.tryRecv()]).toEqual([3, undefined]);
      kept.close();
      expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
    },
  );

  it('should spend a moved end and keep a cloned one', async () => {
    const [tx, rx] = syncChannel(4);
    const kept = tx.clone();
    await scope((s) => {
      s.spawn((tx: Sender) => tx.send(1), tx);
    });
    expect(tx.closed).toBe(true);
    expect(() => tx.trySend(2)).toThrow(/moved into a thread and is spent here; clone\(\) it/);
    expect(kept.trySend(2)).toBe(true);
    expect([rx.tryRecv(), rx.tryRecv()]).toEqual([1, 2]);
    kept.close();
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
  });

  it('should bring an end passed twice in one spawn to life as one end in the thread', async () => {
    const [tx, rx] = syncChannel(1000);
    const sent = await scope((s) =>
      s
        .spawn(
          (a: Sender, context: { tx: Sender }) => {
            for (let i = 0; i < 500; i++) (i % 2 === 0 ? a : context.tx).send(i);
            return a === context.tx;
          },
          tx,
          { tx },
        )
        .join(),
    );
    expect(sent).toBe(true);
    const values: number[] = [];
    for await (const n of rx) values.push(n);
    expect(values).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('should time out recvTimeout in a thread and still receive afterwards', async () => {
    const [tx, rx] = syncChannel(1);
    const [timedOutTx, timedOutRx] = syncChannel(1);
    const result = await scope(async (s) => {
      const receiver = s.spawn(
        (rx: Receiver, timedOutTx: Sender) => {
          let timedOut = false;
          try {
            rx.recvTimeout(20);
          } catch (error) {
            timedOut = (error as Error).name === 'TimeoutError';
          }
          timedOutTx.send(1); // only now may the value come: thread start time varies with load
          return [timedOut, rx.recvTimeout(10_000)];
        },
        rx,
        timedOutTx,
      );
      await timedOutRx.recvAsync();
      await tx.sendAsync(9);
      return receiver.join();
    });
    expect(result).toEqual([true, 9]);
    expect(new TimeoutError('x').name).toBe('TimeoutError');
  });

  it('should let a thread make its own channel and clone ends', async () => {
    const total = await scope((s) =>
      s
        .spawn(
          async (url: string) => {
            const { syncChannel: make } = await import(url);
            const [tx, rx] = make(8);
            const tx2 = tx.clone();
            tx.trySend(1);
            tx2.trySend(2);
            tx.close();
            tx2.close();
            let sum = 0;
            for (const n of rx) sum += n;
            return sum;
          },
          new URL('../dist/index.js', import.meta.url).href,
        )
        .join(),
    );
    expect(total).toBe(3);
  });
});
