// A thread that dies holding channel state, simulated in this thread: the ends a thread would
// revive are made from the crossing's data here, and the thread's half-done work is written into
// the shared words by hand, exactly as far as a thread stopped at that instruction would have
// got. Then the crossing's `done(threadId, true)` repairs it, as the runtime calls it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChannelCore } from '../src/channel-core.js';
import {
  GROUP_WORDS,
  GROUPS,
  HEAD,
  HOLDER,
  ownerTag,
  POS_MASK,
  RX_LOCK,
  RX_SLEEP,
  TAIL,
  TX_GROUPS,
  TX_LOCK,
  valuesOffset,
  WAITERS,
} from '../src/channel-layout.js';
import { EndOwnership } from '../src/end-ownership.js';
import { ChannelClosedError } from '../src/errors.js';
import { Receiver } from '../src/receiver.js';
import { CROSSING, type Crossing } from '../src/runtime/crossing.js';
import { Sender } from '../src/sender.js';

/** A channel whose shared words the test can write, positions starting near the wrap. */
function channel(capacity: number, start = POS_MASK - 2) {
  const core = ChannelCore.create(capacity, start);
  const words = new Int32Array(core.buffer, 0, valuesOffset() / 4);
  const slots = new Float64Array(core.buffer, valuesOffset());
  const tx = new Sender(core, new EndOwnership());
  const rx = new Receiver(new ChannelCore(core.buffer), new EndOwnership());
  return { tx, rx, words, slots };
}

/** What spawning with `end` does, without a thread: the end the thread revives, and the crossing. */
function moveInto<T extends Sender | Receiver>(end: T): { there: T; crossing: Crossing } {
  const crossing = end[CROSSING]();
  crossing.sent?.();
  const there = (
    end instanceof Sender
      ? Sender.fromShared(crossing.data as never)
      : Receiver.fromShared(crossing.data as never)
  ) as T;
  return { there, crossing };
}

/** A thread id no thread of this process has. */
let nextDeadId = 1000;

/** The dead thread `id` took the side's lock (and, per `stage`, wrote or committed `value`). */
function dieSending(
  words: Int32Array,
  slots: Float64Array,
  id: number,
  stage: 'locked' | 'written' | 'committed',
  value: number,
): void {
  expect(Atomics.compareExchange(words, TX_LOCK, 0, ownerTag(id))).toBe(0);
  if (stage === 'locked') return;
  const tail = Atomics.load(words, TAIL) & POS_MASK;
  slots[tail & (slots.length - 1)] = value;
  if (stage === 'committed') Atomics.store(words, TAIL, (tail + 1) & POS_MASK);
}

function dieReceiving(words: Int32Array, id: number, stage: 'locked' | 'taken'): void {
  expect(Atomics.compareExchange(words, RX_LOCK, 0, ownerTag(id))).toBe(0);
  if (stage === 'taken') Atomics.store(words, HEAD, (Atomics.load(words, HEAD) + 1) & POS_MASK);
}

const pending = Symbol('pending');
/** What `promise` settled with within a few event-loop turns, or `pending`. */
async function soon<T>(promise: Promise<T>): Promise<T | typeof pending> {
  return Promise.race([promise, new Promise<typeof pending>((r) => setTimeout(() => r(pending), 20))]);
}

describe('a thread that dies in the middle of a send', () => {
  it.each(['locked', 'written'] as const)(
    'should leave survivors able to send once done() repairs it (died %s, before its commit)',
    (stage) => {
      const { tx, rx, words, slots } = channel(8);
      const kept = tx.clone();
      const id = nextDeadId++;
      const { there, crossing } = moveInto(tx);
      expect(there.trySend(1)).toBe(true);
      dieSending(words, slots, id, stage, 999);
      // Never waits: the lock holder is gone, and nobody can tell yet.
      expect(kept.trySend(2)).toBe(false);
      expect(rx.tryRecv()).toBe(1);
      crossing.done?.(id, true);
      expect(kept.trySend(2)).toBe(true);
      expect([rx.tryRecv(), rx.tryRecv()]).toEqual([2, undefined]);
      kept.close();
      expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
    },
  );

  it('should deliver a value the dead thread committed before it died, exactly once', () => {
    const { tx, rx, words, slots } = channel(8);
    const kept = tx.clone();
    const id = nextDeadId++;
    const { crossing } = moveInto(tx);
    dieSending(words, slots, id, 'committed', 7);
    crossing.done?.(id, true);
    crossing.done?.(id, true);
    expect(kept.trySend(8)).toBe(true);
    kept.close();
    expect([rx.tryRecv(), rx.tryRecv()]).toEqual([7, 8]);
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
  });

  it('should wake a sendAsync parked behind the dead holder once done() repairs it', async () => {
    const { tx, rx, words, slots } = channel(4);
    const kept = tx.clone();
    const id = nextDeadId++;
    const { crossing } = moveInto(tx);
    dieSending(words, slots, id, 'written', 999);
    const sent = kept.sendAsync(5);
    expect(await soon(sent)).toBe(pending);
    crossing.done?.(id, true);
    await sent;
    expect(rx.tryRecv()).toBe(5);
  });

  it('should send the notify the dead thread owed a parked receiver', async () => {
    const { tx, rx, words, slots } = channel(4);
    const id = nextDeadId++;
    const { crossing } = moveInto(tx);
    const received = rx.recvAsync();
    expect(await soon(received)).toBe(pending);
    // The dead sender was exclusive: it committed (clearing RX_SLEEP) and died before notifying.
    const tail = Atomics.load(words, TAIL);
    expect(tail & RX_SLEEP).not.toBe(0);
    slots[tail & POS_MASK & (slots.length - 1)] = 42;
    Atomics.store(words, TAIL, ((tail & POS_MASK) + 1) & POS_MASK);
    expect(await soon(received)).toBe(pending);
    crossing.done?.(id, true);
    expect(await received).toBe(42);
  });
});

describe('a thread that dies in the middle of a receive', () => {
  it('should leave other receivers able to receive once done() repairs it, the value it took gone', () => {
    const { tx, rx, words } = channel(8);
    const kept = rx.clone();
    const id = nextDeadId++;
    const { crossing } = moveInto(rx);
    for (const n of [1, 2, 3]) tx.trySend(n);
    dieReceiving(words, id, 'taken');
    expect(kept.tryRecv()).toBeUndefined();
    crossing.done?.(id, true);
    tx.close();
    expect([kept.tryRecv(), kept.tryRecv()]).toEqual([2, 3]);
    expect(() => kept.tryRecv()).toThrow(ChannelClosedError);
  });

  it('should wake a recvAsync parked behind the dead holder once done() repairs it', async () => {
    const { tx, rx, words } = channel(4);
    const kept = rx.clone();
    const id = nextDeadId++;
    const { crossing } = moveInto(rx);
    tx.trySend(9);
    dieReceiving(words, id, 'locked');
    const received = kept.recvAsync();
    expect(await soon(received)).toBe(pending);
    crossing.done?.(id, true);
    expect(await received).toBe(9);
  });

  it("should clear the dead thread's waiter cell, so a rendezvous trySend no longer sees it", () => {
    const { tx, rx, words } = channel(0);
    const kept = rx.clone();
    const id = nextDeadId++;
    const { crossing } = moveInto(rx);
    expect(tx.trySend(1)).toBe(false);
    Atomics.store(words, WAITERS + 3, ownerTag(id));
    crossing.done?.(id, true);
    expect(tx.trySend(1)).toBe(false);
    expect(kept.tryRecv()).toBeUndefined();
  });
});

describe('the ends a dead thread held', () => {
  it('should all be given back once, clones included, leaving the other ends counted', () => {
    const { tx, rx } = channel(8);
    const kept = tx.clone();
    const id = nextDeadId++;
    const { there, crossing } = moveInto(tx);
    const a = there.clone();
    a.clone().clone();
    a.close();
    a.close();
    there.trySend(1);
    crossing.done?.(id, true);
    crossing.done?.(id, true);
    // A clone the dead thread left open changes nothing once its group was cleared.
    expect(rx.tryRecv()).toBe(1);
    expect(rx.tryRecv()).toBeUndefined();
    expect(kept.trySend(2)).toBe(true);
    kept.close();
    expect(rx.tryRecv()).toBe(2);
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
  });

  it('should fail sends once a dead thread held the last receivers', () => {
    const { tx, rx } = channel(8);
    const id = nextDeadId++;
    const { there, crossing } = moveInto(rx);
    there.clone();
    expect(tx.trySend(1)).toBe(true);
    crossing.done?.(id, true);
    expect(() => tx.trySend(2)).toThrow(/receivers are all closed/);
  });

  it('should clear the groups of the threads the dead thread moved ends into, and repair their locks', () => {
    const { tx, rx, words, slots } = channel(8);
    const kept = tx.clone();
    const outer = nextDeadId++;
    const inner = nextDeadId++;
    const { there, crossing } = moveInto(tx);
    const { there: nested, crossing: nestedCrossing } = moveInto(there.clone());
    nested.clone();
    // The nested thread (`inner`, revived here, so its HOLDER word is set by hand) died holding
    // the lock, along with its parent.
    const nestedGroup = TX_GROUPS + (nestedCrossing.data as { group: number }).group * GROUP_WORDS;
    Atomics.store(words, nestedGroup + HOLDER, ownerTag(inner));
    dieSending(words, slots, inner, 'written', 999);
    crossing.done?.(outer, true);
    expect(kept.trySend(3)).toBe(true);
    kept.close();
    expect(rx.tryRecv()).toBe(3);
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
  });

  it('should keep one reservation for a crossing whose post failed, and free it on close', () => {
    const { tx, rx } = channel(8);
    const first = tx[CROSSING]();
    const again = tx[CROSSING]();
    expect(again.data).toEqual(first.data);
    expect(tx.trySend(1)).toBe(true);
    tx.close();
    expect(rx.tryRecv()).toBe(1);
    expect(() => rx.tryRecv()).toThrow(ChannelClosedError);
  });

  it(`should refuse a side's ends in more than ${GROUPS} threads at once, and take more once one is done`, () => {
    const { tx } = channel(1);
    const crossings = Array.from({ length: GROUPS }, () => moveInto(tx.clone()).crossing);
    expect(() => tx.clone()[CROSSING]()).toThrow(RangeError);
    crossings[5]!.done?.(nextDeadId++, false);
    expect(() => moveInto(tx.clone())).not.toThrow();
  });
});

describe('a channel whose threads die at any step', () => {
  it('should deliver each committed value once, in order, and never wait on a dead thread', () => {
    type Op =
      | { kind: 'send'; who: 'main' | 'thread'; value: number }
      | { kind: 'recv'; who: 'main' | 'thread' }
      | { kind: 'killSender'; stage: 'locked' | 'written' | 'committed' }
      | { kind: 'killReceiver'; stage: 'locked' | 'taken' }
      | { kind: 'repair' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('send' as const),
        who: fc.constantFrom('main' as const, 'thread' as const),
        value: fc.integer({ min: 0, max: 1e6 }),
      }),
      fc.record({
        kind: fc.constant('recv' as const),
        who: fc.constantFrom('main' as const, 'thread' as const),
      }),
      fc.record({
        kind: fc.constant('killSender' as const),
        stage: fc.constantFrom('locked' as const, 'written' as const, 'committed' as const),
      }),
      fc.record({
        kind: fc.constant('killReceiver' as const),
        stage: fc.constantFrom('locked' as const, 'taken' as const),
      }),
      fc.record({ kind: fc.constant('repair' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 120 }), (capacity, ops) => {
        const { tx, rx, words, slots } = channel(capacity);
        const keptTx = tx.clone();
        const keptRx = rx.clone();
        const senderId = nextDeadId++;
        const receiverId = nextDeadId++;
        const moved = { tx: moveInto(tx), rx: moveInto(rx) };
        let senderAlive = true;
        let receiverAlive = true;
        const unrepaired: Array<() => void> = [];
        const model: number[] = [];
        for (const step of ops) {
          const txLocked = Atomics.load(words, TX_LOCK) !== 0;
          const rxLocked = Atomics.load(words, RX_LOCK) !== 0;
          if (step.kind === 'send') {
            const end = step.who === 'main' ? keptTx : senderAlive ? moved.tx.there : undefined;
            if (end === undefined) continue;
            const sent = end.trySend(step.value);
            expect(sent).toBe(!txLocked && model.length < capacity);
            if (sent) model.push(step.value);
          } else if (step.kind === 'recv') {
            const end = step.who === 'main' ? keptRx : receiverAlive ? moved.rx.there : undefined;
            if (end === undefined) continue;
            expect(end.tryRecv()).toBe(rxLocked ? undefined : model.shift());
          } else if (step.kind === 'killSender') {
            if (!senderAlive || txLocked) continue;
            senderAlive = false;
            const full = model.length >= capacity;
            dieSending(words, slots, senderId, full ? 'locked' : step.stage, -1);
            if (!full && step.stage === 'committed') model.push(-1);
            unrepaired.push(() => moved.tx.crossing.done?.(senderId, true));
          } else if (step.kind === 'killReceiver') {
            if (!receiverAlive || rxLocked) continue;
            receiverAlive = false;
            const stage = model.length === 0 ? 'locked' : step.stage;
            dieReceiving(words, receiverId, stage);
            if (stage === 'taken') model.shift();
            unrepaired.push(() => moved.rx.crossing.done?.(receiverId, true));
          } else {
            for (const repair of unrepaired.splice(0)) repair();
          }
        }
        for (const repair of unrepaired.splice(0)) repair();
        keptTx.close();
        if (senderAlive) moved.tx.there.close();
        const rest: Array<number | undefined> = [];
        while (rest.length < model.length) rest.push(keptRx.tryRecv());
        expect(rest).toEqual(model);
        expect(() => keptRx.tryRecv()).toThrow(ChannelClosedError);
      }),
      { numRuns: 300 },
    );
  });
});
