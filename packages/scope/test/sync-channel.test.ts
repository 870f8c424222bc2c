import {
  ChannelClosedError,
  channel,
  DEFAULT_CHANNEL_CAPACITY,
  syncChannel,
  TimeoutError,
} from '@herd/scope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';

describe('syncChannel', () => {
  it('should reject a capacity that is not an integer from 0 to 2^24', () => {
    expect(() => syncChannel(-1)).toThrow(
      new RangeError('capacity must be an integer from 0 to 16777216, got -1'),
    );
    expect(() => syncChannel(1.5)).toThrow(RangeError);
    expect(() => syncChannel(2 ** 25)).toThrow(RangeError);
    expect(() => syncChannel('4' as never)).toThrow(new TypeError('capacity must be a number, got "4"'));
  });

  it('should hold exactly capacity values, in order', () => {
    const [tx, rx] = syncChannel(3);
    expect([tx.trySend(1), tx.trySend(2), tx.trySend(3), tx.trySend(4)]).toEqual([true, true, true, false]);
    expect(rx.length).toBe(3);
    expect([rx.tryRecv(), rx.tryRecv()]).toEqual([1, 2]);
    expect([tx.trySend(5), tx.trySend(6), tx.trySend(7)]).toEqual([true, true, false]);
    expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([3, 5, 6, undefined]);
  });

  it('should carry any number, not only integers', () => {
    const [tx, rx] = syncChannel(4);
    for (const n of [-0.5, 2 ** 40, Number.NaN, -1]) tx.trySend(n);
    expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([-0.5, 2 ** 40, Number.NaN, -1]);
  });

  it('should reject a value that is not a number', () => {
    const [tx] = syncChannel(1);
    expect(() => tx.trySend('1' as never)).toThrow(new TypeError('value must be a number (a Ptr), got "1"'));
    expect(() => tx.send(10n as never)).toThrow(new TypeError('value must be a number (a Ptr), got 10n'));
    expect(() => tx.send(undefined as never)).toThrow(TypeError);
  });

  it('should behave as a FIFO queue of its capacity for any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 200 }),
        (capacity, ops) => {
          const [tx, rx] = syncChannel(capacity);
          const model: number[] = [];
          for (const op of ops) {
            if (op === null) expect(rx.tryRecv()).toBe(model.shift());
            else {
              const sent = tx.trySend(op);
              expect(sent).toBe(model.length < capacity);
              if (sent) model.push(op);
            }
          }
          expect(rx.length).toBe(model.length);
        },
      ),
    );
  });

  it('should refuse trySend on a rendezvous channel when no receiver waits', () => {
    const [tx, rx] = syncChannel(0);
    expect(tx.capacity).toBe(0);
    expect(tx.trySend(1)).toBe(false);
    expect(rx.tryRecv()).toBeUndefined();
  });

  it('should let receivers drain, then end, once every sender closed', async () => {
    const [tx, rx] = syncChannel(4);
    const tx2 = tx.clone();
    tx.trySend(1);
    tx2.trySend(2);
    tx.close();
    expect(rx.tryRecv()).toBe(1);
    tx2.close();
    tx2.close();
    expect(rx.tryRecv()).toBe(2);
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
    expect(() => rx.recv()).toThrow(ChannelClosedError);
    await expect(rx.recvAsync()).rejects.toThrow(ChannelClosedError);
    expect([...rx]).toEqual([]);
    expect(rx.recvMany(new Float64Array(3))).toBe(0);
    expect(await rx.recvManyAsync(new Float64Array(3))).toBe(0);
  });

  it('should end sync and async iteration after the values left when senders close', async () => {
    const [tx, rx] = syncChannel(8);
    const rx2 = rx.clone();
    for (let i = 0; i < 6; i++) tx.trySend(i);
    tx.close();
    const sync: number[] = [];
    for (const n of rx) {
      sync.push(n);
      if (sync.length === 3) break;
    }
    const rest: number[] = [];
    for await (const n of rx2) rest.push(n);
    expect([...sync, ...rest]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should fail sends once every receiver closed, even with room left', async () => {
    const [tx, rx] = syncChannel(4);
    const rx2 = rx.clone();
    rx.close();
    expect(tx.trySend(1)).toBe(true);
    rx2.close();
    expect(() => tx.trySend(2)).toThrow(ChannelClosedError);
    expect(() => tx.send(2)).toThrow(/receivers are all closed/);
    await expect(tx.sendAsync(3)).rejects.toThrow(ChannelClosedError);
  });

  it('should say an end is closed and keep the channel usable through other ends', () => {
    const [tx, rx] = syncChannel(2);
    const keep = tx.clone();
    tx.close();
    expect(tx.closed).toBe(true);
    expect(() => tx.trySend(1)).toThrow(new ChannelClosedError('this Sender is closed'));
    expect(() => tx.clone()).toThrow(ChannelClosedError);
    expect(keep.trySend(9)).toBe(true);
    expect(rx.tryRecv()).toBe(9);
  });

  it('should time out recvTimeout(0) with a TimeoutError and reject a bad ms', () => {
    const [tx, rx] = syncChannel(1);
    expect(() => rx.recvTimeout(0)).toThrow(TimeoutError);
    expect(() => rx.recvTimeout(-1)).toThrow(new RangeError('ms must be a number >= 0, got -1'));
    expect(() => rx.recvTimeout('5' as never)).toThrow(new TypeError('ms must be a number, got "5"'));
    tx.trySend(4);
    expect(rx.recvTimeout(5)).toBe(4);
    tx.close();
    expect(() => rx.recvTimeout(5)).toThrow(ChannelClosedError);
  });

  it('should time out recvAsync and recvManyAsync given a timeout, and take nothing after', async () => {
    const [tx, rx] = syncChannel(2);
    await expect(rx.recvAsync({ timeout: 5 })).rejects.toThrow(
      new TimeoutError('recvAsync: nothing arrived within 5 ms'),
    );
    await expect(rx.recvManyAsync(new Float64Array(4), { timeout: 0 })).rejects.toThrow(TimeoutError);
    tx.trySend(1);
    expect(await rx.recvAsync({ timeout: 5 })).toBe(1);
    await expect(rx.recvAsync({ timeout: -1 })).rejects.toThrow(RangeError);
    await expect(rx.recvAsync({ signal: 'no' as never })).rejects.toThrow(TypeError);
  });

  it('should stop recvAsync and recvManyAsync when their signal aborts, losing no value', async () => {
    const [tx, rx] = syncChannel(2);
    const controller = new AbortController();
    const received = rx.recvAsync({ signal: controller.signal });
    const batch = rx.recvManyAsync(new Float64Array(2), { signal: controller.signal });
    controller.abort(new Error('enough'));
    await expect(received).rejects.toMatchObject({ name: 'AbortError', cause: new Error('enough') });
    await expect(batch).rejects.toMatchObject({ name: 'AbortError' });
    await expect(rx.recvAsync({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    tx.trySend(8);
    expect(rx.tryRecv()).toBe(8);
  });

  it('should wake recvAsync and sendAsync waiting on the main thread', async () => {
    const [tx, rx] = syncChannel(1);
    const received = rx.recvAsync();
    setTimeout(() => tx.trySend(7), 5);
    expect(await received).toBe(7);
    tx.trySend(1);
    const sent = tx.sendAsync(2);
    setTimeout(() => rx.tryRecv(), 5);
    await sent;
    expect(rx.tryRecv()).toBe(2);
  });

  it('should wake a waiting receiver when the last sender closes', async () => {
    const [tx, rx] = syncChannel(1);
    const received = rx.recvAsync();
    setTimeout(() => tx.close(), 5);
    await expect(received).rejects.toThrow(ChannelClosedError);
  });

  it('should give values to next() calls made while one waits, in the order of the calls', async () => {
    const [tx, rx] = syncChannel(4);
    const values = rx[Symbol.asyncIterator]();
    const calls = [values.next(), values.next(), values.next()];
    setTimeout(() => {
      tx.trySend(1);
      tx.trySend(2);
      tx.close();
    }, 5);
    expect(await Promise.all(calls)).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: undefined, done: true },
    ]);
    expect(Object.prototype.toString.call(values)).toBe('[object AsyncGenerator]');
    expect(values[Symbol.asyncIterator]()).toBe(values);
  });

  it('should let a rendezvous trySend see a receiver waiting even past the waiter cells', async () => {
    const [tx, rx] = syncChannel(0);
    const aborts = Array.from({ length: 20 }, () => new AbortController());
    const pending = aborts.map((a) => rx.recvAsync({ signal: a.signal }));
    const last = pending.pop()!;
    for (const a of aborts.slice(0, -1)) a.abort();
    await Promise.allSettled(pending);
    // The last receiver had no cell while 19 others held the 16 there are; it takes one that came
    // free on its next look.
    while (!tx.trySend(7)) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await last).toBe(7);
  });

  it('should reuse its slots lap after lap', () => {
    const [tx, rx] = syncChannel(3);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) tx.trySend(round * 3 + i);
      for (let i = 0; i < 3; i++) expect(rx.tryRecv()).toBe(round * 3 + i);
    }
  });
});

describe('channel', () => {
  it('should be a syncChannel of the documented default capacity', () => {
    const [tx, rx] = channel();
    expect(tx.capacity).toBe(DEFAULT_CHANNEL_CAPACITY);
    expect(rx.capacity).toBe(65_536);
    expect(channel(2)[0].capacity).toBe(2);
  });
});

describe('channel ends across bundles', () => {
  it('should be instances of Sender and Receiver whichever build of the package made them', async ({
    skip,
  }) => {
    skip(!withNodeApis, 'require() of the CJS build');
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('@herd/scope') as typeof import('@herd/scope');
    const esm = await import('@herd/scope');
    const [tx, rx] = cjs.syncChannel(1);
    expect(tx).toBeInstanceOf(esm.Sender);
    expect(rx).toBeInstanceOf(esm.Receiver);
    expect(tx).not.toBeInstanceOf(esm.Receiver);
    expect({}).not.toBeInstanceOf(esm.Sender);
    tx.close();
    rx.close();
  });
});
