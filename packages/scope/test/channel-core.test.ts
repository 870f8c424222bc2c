// The counter-published ring's own paths, driven from the sources: positions that wrap past
// 2^29, exclusive ends turning shared on clone and back when the others close, ends revived from
// shared memory mid-stream (what crossing into a thread does), and receivers that stop early.
import { liveThreads, scope } from '@herd/scope';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelCore } from '../src/channel-core.js';
import { POS_MASK } from '../src/channel-layout.js';
import { EndOwnership, type SharedEnd } from '../src/end-ownership.js';
import { Receiver } from '../src/receiver.js';
import { Sender } from '../src/sender.js';

/** A channel whose positions start `before` steps short of the wrap of the position space. */
function nearWrap(capacity: number, before: number): [Sender, Receiver, ChannelCore] {
  const core = ChannelCore.create(capacity, POS_MASK + 1 - before);
  return [
    new Sender(core, new EndOwnership()),
    new Receiver(new ChannelCore(core.buffer), new EndOwnership()),
    new ChannelCore(core.buffer),
  ];
}

/** What crossing does: a new end object over the same shared memory and ownership cell. */
function revive<T extends Sender | Receiver>(end: T): T {
  const crossing = (end as unknown as Record<symbol, () => { data: never; sent(): void }>)[
    Symbol.for('@herd/crossing')
  ]!();
  crossing.sent();
  return (end instanceof Sender ? Sender.fromShared(crossing.data) : Receiver.fromShared(crossing.data)) as T;
}

afterEach(() => {
  expect(liveThreads()).toBe(0);
});

describe('ChannelCore positions', () => {
  it('should stay a FIFO queue of its capacity across the wrap of the position space', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 200 }),
        (capacity, before, ops) => {
          const [tx, rx] = nearWrap(capacity, before);
          const model: number[] = [];
          const room = Math.max(capacity, 1);
          for (const op of ops) {
            if (op === null) expect(rx.tryRecv()).toBe(model.shift());
            else if (capacity > 0) {
              const sent = tx.trySend(op);
              expect(sent).toBe(model.length < room);
              if (sent) model.push(op);
            }
            expect(rx.length).toBe(model.length);
          }
        },
      ),
    );
  });

  it('should keep shared ends (each send a section under the side lock) correct across the wrap', () => {
    const [tx, rx] = nearWrap(4, 7);
    const tx2 = tx.clone();
    const rx2 = rx.clone();
    const got: number[] = [];
    for (let i = 0; i < 40; i += 2) {
      expect(tx.trySend(i)).toBe(true);
      expect(tx2.trySend(i + 1)).toBe(true);
      got.push(rx.tryRecv()!, rx2.tryRecv()!);
    }
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (let i = 0; i < 4; i++) expect(tx2.trySend(i)).toBe(true);
    expect(tx.trySend(9)).toBe(false);
    expect(rx.length).toBe(4);
  });

  it('should see a rendezvous pickup across the wrap', async () => {
    const [tx, rx] = nearWrap(0, 1);
    const sent = tx.sendAsync(5);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // No receiver waits: the value sits in the slot until one takes it.
    expect(rx.tryRecv()).toBe(5);
    await sent;
    tx.close();
    expect(() => rx.tryRecv()).toThrow(/senders are all closed/);
  });
});

describe('exclusive and shared ends', () => {
  it('should hand a clone the exclusive sender position, and take exclusivity back when it closes', () => {
    const [tx, rx] = nearWrap(8, 3);
    for (let i = 0; i < 5; i++) tx.trySend(i);
    const tx2 = tx.clone();
    tx2.trySend(5);
    tx.trySend(6);
    tx2.close();
    // Past the re-check interval the remaining sender is exclusive again.
    const got: number[] = [];
    for (let i = 7; i < 300; i++) {
      expect(tx.trySend(i)).toBe(true);
      got.push(rx.tryRecv()!);
    }
    expect(got.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(got).toEqual(Array.from({ length: 293 }, (_, i) => i));
    const tx3 = tx.clone();
    expect(tx3.trySend(300)).toBe(true);
    for (let i = 300 - 7; i < 300; i++) expect(rx.tryRecv()).toBe(i);
    expect(rx.tryRecv()).toBe(300);
  });

  it('should hand a clone the exclusive receiver position, and share out the rest exactly once', () => {
    const [tx, rx] = nearWrap(16, 5);
    for (let i = 0; i < 12; i++) tx.trySend(i);
    expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([0, 1, 2]);
    const rx2 = rx.clone();
    const got = [rx2.tryRecv(), rx.tryRecv(), rx2.tryRecv()];
    expect(got).toEqual([3, 4, 5]);
    rx.close();
    const rest: number[] = [];
    for (let i = 12; i < 400; i++) {
      tx.trySend(i);
      rest.push(rx2.tryRecv()!);
    }
    tx.close();
    for (let n = rx2.tryRecv(); n !== undefined; n = rx2.tryRecv()) {
      rest.push(n);
      if (rx2.length === 0) break;
    }
    expect(rest).toEqual(Array.from({ length: 394 }, (_, i) => i + 6));
    expect(() => rx2.tryRecv()).toThrow(/senders are all closed/);
  });

  it('should carry on from where a moved end left off (its position published before the move)', () => {
    const [tx, rx] = nearWrap(8, 4);
    tx.trySend(1);
    tx.trySend(2);
    expect(rx.tryRecv()).toBe(1);
    const movedTx = revive(tx);
    const movedRx = revive(rx);
    expect(() => tx.trySend(3)).toThrow(/moved into a thread/);
    expect(() => rx.tryRecv()).toThrow(/moved into a thread/);
    for (let i = 3; i < 50; i++) movedTx.trySend(i);
    const got: number[] = [];
    for (let n = movedRx.tryRecv(); n !== undefined; n = movedRx.tryRecv()) got.push(n);
    expect(got).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(movedRx.length).toBe(0);
  });

  it('should lose and duplicate nothing when a receiver stops early and another takes over', () => {
    const [tx, rx] = nearWrap(32, 9);
    for (let i = 0; i < 30; i++) tx.trySend(i);
    tx.close();
    const rx2 = rx.clone();
    const first: number[] = [];
    for (const n of rx) {
      first.push(n);
      if (first.length === 10) break;
    }
    rx.close();
    const iterator = rx2[Symbol.iterator]();
    const second = [...iterator];
    expect([...first, ...second]).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('should fail a shared sender blocked mid-queue once every receiver closed', () => {
    const [tx, rx] = nearWrap(2, 1);
    const tx2 = tx.clone();
    expect([tx.trySend(1), tx2.trySend(2), tx.trySend(3)]).toEqual([true, true, false]);
    rx.close();
    expect(() => tx.trySend(3)).toThrow(/receivers are all closed/);
    expect(() => tx2.send(3)).toThrow(/receivers are all closed/);
  });
});

describe('the ring between threads across the wrap', () => {
  const dist = new URL('../dist/index.js', import.meta.url).href;

  it('should deliver 2 producers x 60k numbers to 2 consumers exactly once and in order, wrapping', async () => {
    const [tx, rx] = nearWrap(64, 20_000);
    // The ends cross as their shared memory; the threads revive them with the built classes.
    const data = (end: Sender | Receiver): SharedEnd => {
      const crossing = (end as unknown as Record<symbol, () => { data: SharedEnd; sent(): void }>)[
        Symbol.for('@herd/crossing')
      ]!();
      crossing.sent();
      return crossing.data;
    };
    const send = [tx.clone(), tx];
    const take = [rx.clone(), rx];
    const perProducer = 60_000;
    const received = await scope(async (s) => {
      send.forEach((end, p) => {
        s.spawn(
          async (url: string, data: SharedEnd, p: number, n: number) => {
            const { Sender } = await import(url);
            const tx = Sender.fromShared(data);
            for (let i = 0; i < n; i++) tx.send(i * 2 + p);
            tx.close();
          },
          dist,
          data(end),
          p,
          perProducer,
        );
      });
      const handles = take.map((end) =>
        s.spawn(
          async (url: string, data: SharedEnd) => {
            const { Receiver } = await import(url);
            const rx = Receiver.fromShared(data);
            const got: number[] = [];
            for (const n of rx) got.push(n);
            return got;
          },
          dist,
          data(end),
        ),
      );
      return Promise.all(handles.map((h) => h.join()));
    });
    const seen = new Uint8Array(2 * perProducer);
    for (const got of received) {
      const last = [-1, -1];
      for (const n of got) {
        seen[n] = (seen[n] ?? 0) + 1;
        expect(n > last[n % 2]!).toBe(true);
        last[n % 2] = n;
      }
    }
    expect(seen.every((count) => count === 1)).toBe(true);
  });

  it('should stream one producer to one consumer (both exclusive) through the wrap', async () => {
    // Ends revived from bare shared memory are loose ends: the ones `create` counted.
    const core = ChannelCore.create(16, POS_MASK + 1 - 5000);
    const n = 200_000;
    const sum = await scope(async (s) => {
      s.spawn(
        async (url: string, data: SharedEnd, n: number) => {
          const { Sender } = await import(url);
          const tx = Sender.fromShared(data);
          for (let i = 0; i < n; i++) tx.send(i);
        },
        dist,
        { buffer: core.buffer },
        n,
      );
      return s
        .spawn(
          async (url: string, data: SharedEnd) => {
            const { Receiver } = await import(url);
            let sum = 0;
            let count = 0;
            for (const v of Receiver.fromShared(data) as Iterable<number>) {
              if (v !== count) return `value ${v} at ${count}`;
              sum += v;
              count++;
            }
            return sum;
          },
          dist,
          { buffer: core.buffer },
        )
        .join();
    });
    expect(sum).toBe((n * (n - 1)) / 2);
  });
});
