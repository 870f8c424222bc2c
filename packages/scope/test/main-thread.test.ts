// The main-thread rule: on a main thread the blocking forms take what is there and never wait;
// where they would have to, they throw a TypeError naming the async form. (Vitest runs these
// tests on a process's main thread; the same calls wait in a worker: channel-threads.test.ts.)
import { ChannelClosedError, type Sender, scope, syncChannel, TimeoutError } from '@herd/scope';
import { isMainThread } from '@herd/shared';
import { describe, expect, it } from 'vitest';
import { ChannelCore } from '../src/channel-core.js';
import { ownerTag, TX_LOCK, valuesOffset } from '../src/channel-layout.js';
import { EndOwnership } from '../src/end-ownership.js';
import { Sender as SourceSender } from '../src/sender.js';

describe('blocking receives on the main thread', () => {
  it('should run on a main thread here', () => {
    expect(isMainThread()).toBe(true);
  });

  it('should take a value that is there and refuse to wait for one, naming the async form', () => {
    const [tx, rx] = syncChannel(4);
    tx.trySend(1);
    expect(rx.recv()).toBe(1);
    expect(() => rx.recv()).toThrow(
      new TypeError(
        'recv would have to wait (the channel is empty), and blocking waits are not allowed on the main thread: ' +
          'use await rx.recvAsync() there',
      ),
    );
    expect(() => rx.recvTimeout(50)).toThrow(
      /recvTimeout would have to wait .* use await rx\.recvAsync\(\{ timeout: ms \}\)/,
    );
    expect(() => rx.recvTimeout(0)).toThrow(TimeoutError);
    expect(() => rx.recvMany(new Float64Array(2))).toThrow(/use await rx\.recvManyAsync\(into\)/);
    expect(() => rx.recvManyTimeout(new Float64Array(2), 9)).toThrow(
      /recvManyAsync\(into, \{ timeout: ms \}\)/,
    );
    expect(() => rx.recvManyTimeout(new Float64Array(2), 0)).toThrow(TimeoutError);
    // Nothing was lost to the refusals.
    tx.trySend(2);
    expect(rx.recvTimeout(50)).toBe(2);
  });

  it('should iterate over the values there, refuse to wait for more, and end when the senders closed', () => {
    const [tx, rx] = syncChannel(4);
    tx.trySend(1);
    tx.trySend(2);
    const got: number[] = [];
    expect(() => {
      for (const n of rx) got.push(n);
    }).toThrow(/for\.\.\.of over a Receiver would have to wait .* use for await\.\.\.of there/);
    expect(got).toEqual([1, 2]);
    tx.trySend(3);
    tx.close();
    expect([...rx]).toEqual([3]);
  });
});

describe('blocking sends on the main thread', () => {
  it('should send while there is room and refuse to wait for room, naming sendAsync', () => {
    const [tx, rx] = syncChannel(2);
    tx.send(1);
    tx.send(2);
    expect(() => tx.send(3)).toThrow(
      new TypeError(
        'send would have to wait (the channel is full), and blocking waits are not allowed on the main thread: ' +
          'use await tx.sendAsync(value) there',
      ),
    );
    expect(rx.tryRecv()).toBe(1);
    tx.send(3);
    expect([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()]).toEqual([2, 3, undefined]);
  });

  it('should refuse every send on a rendezvous channel, which always waits for a receiver', () => {
    const [tx, rx] = syncChannel(0);
    expect(() => tx.send(1)).toThrow(/rendezvous .* use await tx\.sendAsync\(value\) there/);
    expect(() => tx.sendMany([1])).toThrow(/use await tx\.sendManyAsync\(values\) there/);
    expect(rx.tryRecv()).toBeUndefined();
  });

  it('should send all of a sendMany when they fit, and none when they do not', () => {
    const [tx, rx] = syncChannel(4);
    tx.sendMany([1, 2, 3]);
    expect(() => tx.sendMany([4, 5])).toThrow(
      /sendMany would have to wait \(the channel has no room for all/,
    );
    expect(rx.length).toBe(3);
    tx.sendMany(new Int32Array([4]));
    expect(() => tx.sendMany(new Float64Array(9))).toThrow(TypeError);
    const into = new Float64Array(8);
    expect(rx.recvMany(into)).toBe(4);
    expect([...into.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
  });

  it('should give up on a lock whose holder does not let go, instead of hanging', () => {
    // Another sender's thread stopped holding the sending side's lock: a main thread cannot park
    // until its repair (which its own event loop would run), so it says so.
    const core = ChannelCore.create(4);
    const tx = new SourceSender(core, new EndOwnership());
    const other = tx.clone();
    const words = new Int32Array(core.buffer, 0, valuesOffset() / 4);
    Atomics.store(words, TX_LOCK, ownerTag(4242));
    expect(() => tx.send(1)).toThrow(/another sender is in the middle of a send/);
    expect(tx.trySend(1)).toBe(false);
    Atomics.store(words, TX_LOCK, 0);
    tx.send(1);
    other.close();
  });
});

describe('blocking forms in a worker', () => {
  it('should wait there, where blocking is allowed', async () => {
    const [tx, rx] = syncChannel(1);
    const [backTx, backRx] = syncChannel(0);
    const result = scope(async (s) => {
      s.spawn(
        (rx, back: Sender) => {
          const batch = new Float64Array(2);
          const got = [rx.recv(), rx.recvTimeout(10_000), rx.recvMany(batch)];
          back.send(got[0]! + got[1]! + batch[0]!);
          for (const n of rx) back.send(n);
        },
        rx,
        backTx,
      );
      for (const n of [1, 2, 3, 4]) await tx.sendAsync(n);
      expect(await backRx.recvAsync()).toBe(6);
      tx.close();
      expect(await backRx.recvAsync()).toBe(4);
      await expect(backRx.recvAsync()).rejects.toThrow(ChannelClosedError);
    });
    await result;
  });
});
