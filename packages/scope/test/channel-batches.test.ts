// sendMany / recvMany and their async and timed forms: one synchronisation per run of values.
import {
  ChannelClosedError,
  liveThreads,
  type Receiver,
  type Sender,
  type SharedEnd,
  scope,
  syncChannel,
  TimeoutError,
} from '@herd/scope';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelCore } from '../src/channel-core.js';
import { POS_MASK } from '../src/channel-layout.js';
import { EndOwnership } from '../src/end-ownership.js';
import { Receiver as SourceReceiver } from '../src/receiver.js';
import { Sender as SourceSender } from '../src/sender.js';

afterEach(() => {
  expect(liveThreads()).toBe(0);
});

/** A channel whose positions start `before` steps short of the wrap of the position space. */
function nearWrap(capacity: number, before: number): [SourceSender, SourceReceiver] {
  const core = ChannelCore.create(capacity, POS_MASK + 1 - before);
  return [
    new SourceSender(core, new EndOwnership()),
    new SourceReceiver(new ChannelCore(core.buffer), new EndOwnership()),
  ];
}

describe('sendMany and recvMany on one thread', () => {
  it('should behave as a FIFO queue of its capacity across the wrap, batch by batch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.array(
          fc.oneof(
            fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 12 }),
            fc.integer({ min: 1, max: 12 }),
          ),
          { maxLength: 80 },
        ),
        (capacity, before, shared, ops) => {
          const [tx, rx] = nearWrap(capacity, before);
          // With a clone on each side every batch is a section under the side's lock.
          const ends = shared ? [tx.clone(), rx.clone()] : [];
          const model: number[] = [];
          for (const op of ops) {
            if (typeof op === 'number') {
              const into = new Int32Array(op);
              if (model.length === 0) {
                expect(() => rx.recvMany(into)).toThrow(TypeError);
                continue;
              }
              const n = rx.recvMany(into);
              const taken = model.splice(0, Math.min(op, model.length));
              expect([...into.subarray(0, n)]).toEqual(taken);
            } else if (model.length + op.length <= capacity) {
              tx.sendMany(op);
              model.push(...op);
            } else {
              // The main thread sends all or none.
              expect(() => tx.sendMany(op)).toThrow(TypeError);
            }
            expect(rx.length).toBe(model.length);
          }
          for (const end of ends) end.close();
        },
      ),
    );
  });

  it('should reject what is not an array of numbers, or no room to receive into', () => {
    const [tx, rx] = syncChannel(4);
    expect(() => tx.sendMany('12' as never)).toThrow(
      new TypeError('values must be an array or typed array of numbers, got "12"'),
    );
    expect(() => tx.sendMany([1, 'x', 3] as never)).toThrow(
      new TypeError('values[1] must be a number (a Ptr), got "x"'),
    );
    expect(() => tx.sendMany([1, 2n] as never)).toThrow(
      new TypeError('values[1] must be a number (a Ptr), got 2n'),
    );
    expect(() => tx.sendMany(new BigInt64Array(2) as never)).toThrow(/got a BigInt64Array/);
    expect(() => rx.recvMany(new Float64Array(0))).toThrow(
      new RangeError('into must have room for at least one value, got an empty array'),
    );
    expect(() => rx.recvMany([0, 0] as never)).toThrow(/into must be a numeric typed array/);
    expect(() => rx.recvMany(new DataView(new ArrayBuffer(8)) as never)).toThrow(/got a DataView/);
    expect(() => rx.recvManyTimeout(new Float64Array(1), Number.NaN)).toThrow(RangeError);
    expect(rx.length).toBe(0);
    tx.sendMany([]);
    expect(rx.length).toBe(0);
  });

  it('should fill any numeric typed array, and return 0 once closed and drained', async () => {
    const [tx, rx] = syncChannel(8);
    tx.sendMany(new Float64Array([1.5, -2, 3]));
    const ints = new Uint32Array(2);
    expect(rx.recvMany(ints)).toBe(2);
    expect([...ints]).toEqual([1, 4294967294]);
    tx.close();
    const rest = new Float32Array(4);
    expect(await rx.recvManyAsync(rest)).toBe(1);
    expect(rest[0]).toBe(3);
    expect(rx.recvMany(rest)).toBe(0);
    expect(await rx.recvManyAsync(rest)).toBe(0);
  });

  it('should fail a batch send once every receiver closed, saying how many were sent', async () => {
    const [tx, rx] = syncChannel(4);
    const pending = tx.sendManyAsync([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect([rx.tryRecv(), rx.tryRecv()]).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    rx.close();
    await expect(pending).rejects.toMatchObject({ name: 'ChannelClosedError', sent: 6 });
    expect(() => tx.sendMany([1])).toThrow(ChannelClosedError);
    try {
      tx.sendMany([1]);
    } catch (error) {
      expect((error as ChannelClosedError & { sent: number }).sent).toBe(0);
    }
  });

  it('should hand a rendezvous batch over value by value to an async receiver', async () => {
    const [tx, rx] = syncChannel(0);
    const sent = tx.sendManyAsync([1, 2, 3]);
    const got: number[] = [];
    const into = new Float64Array(8);
    while (got.length < 3) {
      const n = await rx.recvManyAsync(into);
      expect(n).toBe(1);
      got.push(into[0]!);
    }
    await sent;
    expect(got).toEqual([1, 2, 3]);
  });
});

describe('sendMany and recvMany between threads', () => {
  it.each([0, 1, 7, 64])(
    'should deliver batches of 3 producers to 2 consumers exactly once, each producer in order (capacity %i)',
    async (capacity) => {
      const producers = 3;
      // One or no slot hands values over one by one: fewer of them.
      const perProducer = capacity <= 1 ? 3_000 : 30_000;
      const [tx, rx] = syncChannel(capacity);
      const received = await scope(async (s) => {
        for (let p = 0; p < producers; p++) {
          s.spawn(
            (tx: Sender, p: number, n: number, producers: number) => {
              let i = 0;
              let size = 1;
              while (i < n) {
                // Batches of 1 to 97 values, from typed arrays and from plain arrays.
                size = (size * 7 + p) % 97 || 1;
                const count = Math.min(size, n - i);
                const values = i % 2 === 0 ? new Float64Array(count) : new Array<number>(count);
                for (let k = 0; k < count; k++) values[k] = (i + k) * producers + p;
                tx.sendMany(values);
                i += count;
              }
            },
            p === producers - 1 ? tx : tx.clone(),
            p,
            perProducer,
            producers,
          );
        }
        const consumers = [rx.clone(), rx].map((end, c) =>
          s.spawn(
            (rx: Receiver, c: number) => {
              const got: number[] = [];
              const into = c === 0 ? new Float64Array(50) : new Uint32Array(3);
              for (let n = rx.recvMany(into); n > 0; n = rx.recvMany(into)) {
                for (let k = 0; k < n; k++) got.push(into[k]!);
              }
              return got;
            },
            end,
            c,
          ),
        );
        return Promise.all(consumers.map((c) => c.join()));
      });
      const seen = new Uint8Array(producers * perProducer);
      for (const got of received) {
        const last = new Array<number>(producers).fill(-1);
        for (const n of got) {
          seen[n] = (seen[n] ?? 0) + 1;
          expect(n > last[n % producers]!).toBe(true);
          last[n % producers] = n;
        }
      }
      expect(seen.every((count) => count === 1)).toBe(true);
    },
  );

  it('should carry batches through the wrap of the position space', async () => {
    const [tx, rx] = nearWrap(16, 1000);
    // The ends cross as their shared memory; the threads revive them with the built classes.
    const data = (end: SourceSender | SourceReceiver): SharedEnd => {
      const crossing = (end as unknown as Record<symbol, () => { data: SharedEnd; sent(): void }>)[
        Symbol.for('@herd/crossing')
      ]!();
      crossing.sent();
      return crossing.data;
    };
    const url = new URL('../dist/index.js', import.meta.url).href;
    const n = 20_000;
    const sum = await scope(async (s) => {
      s.spawn(
        async (url: string, data: SharedEnd, n: number) => {
          const { Sender } = await import(url);
          const tx = Sender.fromShared(data);
          const batch = new Float64Array(13);
          for (let i = 0; i < n; i += 13) {
            for (let k = 0; k < 13; k++) batch[k] = i + k;
            tx.sendMany(batch.subarray(0, Math.min(13, n - i)));
          }
          tx.close();
        },
        url,
        data(tx),
        n,
      );
      return s
        .spawn(
          async (url: string, data: SharedEnd) => {
            const { Receiver } = await import(url);
            const rx = Receiver.fromShared(data);
            const into = new Float64Array(40);
            let expected = 0;
            for (let k = rx.recvMany(into); k > 0; k = rx.recvMany(into)) {
              for (let i = 0; i < k; i++) if (into[i] !== expected++) return `${into[i]} at ${expected - 1}`;
            }
            return expected;
          },
          url,
          data(rx),
        )
        .join();
    });
    expect(sum).toBe(n);
  });

  it('should time out recvManyTimeout in a thread, then take what came', async () => {
    const [tx, rx] = syncChannel(8);
    const [readyTx, readyRx] = syncChannel(1);
    const result = await scope(async (s) => {
      const receiver = s.spawn(
        (rx: Receiver, ready: Sender) => {
          const into = new Float64Array(8);
          let timedOut = false;
          try {
            rx.recvManyTimeout(into, 20);
          } catch (error) {
            timedOut = error instanceof Error && error.name === 'TimeoutError';
          }
          ready.send(1);
          const n = rx.recvManyTimeout(into, 10_000);
          return [timedOut, n, ...into.subarray(0, n)];
        },
        rx,
        readyTx,
      );
      await readyRx.recvAsync();
      await tx.sendManyAsync([5, 6, 7]);
      return receiver.join();
    });
    expect(result[0]).toBe(true);
    expect(result.slice(2)).toEqual([5, 6, 7].slice(0, result[1] as number));
    expect(new TimeoutError('x').name).toBe('TimeoutError');
  });

  it('should fail a sendMany in a thread once the receivers closed, with how many were sent', async () => {
    const [tx, rx] = syncChannel(4);
    const outcome = await scope(async (s) => {
      const sender = s.spawn((tx: Sender) => {
        try {
          tx.sendMany(new Float64Array(100).map((_, i) => i));
          return 'sent all';
        } catch (error) {
          return [(error as Error).name, (error as Error & { sent: number }).sent];
        }
      }, tx);
      const into = new Float64Array(3);
      expect(await rx.recvManyAsync(into)).toBeGreaterThan(0);
      rx.close();
      return sender.join();
    });
    expect(outcome[0]).toBe('ChannelClosedError');
    expect(outcome[1]).toBeGreaterThanOrEqual(4);
    expect(outcome[1]).toBeLessThan(100);
  });
});
