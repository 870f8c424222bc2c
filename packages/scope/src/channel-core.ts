import {
  byteLengthFor,
  CAPACITY,
  HEAD,
  NO_RECEIVERS,
  POS_BITS,
  POS_MASK,
  RECEIVERS,
  RX_RESERVE,
  RX_SLEEP,
  RX_WAITERS,
  SENDERS,
  SLOTS,
  slotsFor,
  TAIL,
  TX_RESERVE,
  TX_SLEEP,
  valuesOffset,
} from './channel-layout.js';
import { holdEventLoop } from './keep-alive.js';

export const OK = 0;
/** Push: no room. Pop: nothing there yet. */
export const WOULD_BLOCK = 1;
/** Push: every receiver closed. Pop: empty and every sender closed. */
export const DISCONNECTED = 2;
export const TIMED_OUT = 3;

// A committer waiting for its turn behind another end of its side spins this many times before
// it sleeps (the other end was likely descheduled between its reservation and its commit).
const SPINS = 64;
// A shared end re-checks every this many operations whether it became the only end of its side.
const EXCLUSIVE_CHECK_EVERY = 64;
// Turns a 29-bit position difference into a signed one.
const SIGN_SHIFT = 32 - POS_BITS;

// Waiting for the other side, in three steps (`block`): spin with pauses of PAUSE_MIN to
// PAUSE_MAX steps, doubling (some 8 us in all); then nap, NAP_EACH ms at a time, for NAP_MS;
// then park until notified. The first pause is not the shortest possible on purpose: a receiver
// that polls the moment it has drained the ring takes the tail's cache line from the sender on
// every message; half a microsecond lets a batch build up (5M numbers: 23 -> 27 M msgs/s here).
const PAUSE_MIN = 512;
const PAUSE_MAX = 4096;
const NAP_MS = 1;
const NAP_EACH = 0.02;

let sink = 0;
/** Busy work for `steps` steps, touching no shared memory. */
function pause(steps: number): void {
  let x = sink;
  for (let i = 0; i < steps; i++) x = (x * 31 + i) | 0;
  sink = x;
}

/**
 * One end's view of the ring shared by every end of a channel, in any thread. Each `Sender` and
 * `Receiver` has its own `ChannelCore` (views over the same SharedArrayBuffer plus this end's
 * cached positions), so the cached state of one end is never seen by another.
 *
 * Values are published by counters: a sender writes a slot with a plain store and then moves the
 * committed TAIL past it with one compare-exchange (seq-cst, so a full fence); a receiver that
 * read TAIL may read every slot below it, and frees slots by moving HEAD the same way.
 *
 * The only sender of a channel (SENDERS = 1) is *exclusive*: its position is exact, it needs no
 * reservation, and it checks for room against a cached HEAD, re-read only when the ring looks
 * full. One compare-exchange per send. The only receiver is exclusive the same way: it reads
 * TAIL once for every run of values it finds there, and moves HEAD with one compare-exchange
 * per value (so a sender sees room the moment a value was taken; `trySend` stays exact).
 * Exclusivity can only end by the end's own doing (`clone`, crossing into a thread, `close`),
 * and it publishes its position to the reserve word before it does.
 *
 * When a side has several ends, each reserves a position with a compare-exchange on the side's
 * reserve word, then commits in position order with a compare-exchange on TAIL (HEAD) when its
 * turn comes. That keeps each producer's order and gives every value to exactly one receiver.
 *
 * Rare facts sit in the high bits of TAIL and HEAD (see channel-layout.ts), so a compare-exchange
 * that expects a bare position fails exactly when someone must be woken or every receiver closed.
 */
export class ChannelCore {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  /** The value of the last successful `tryPop`. */
  value = 0;

  // Sender side.
  private txExclusive = false;
  /** Exclusive: the committed tail (exact). Shared: a guess of TX_RESERVE. */
  private tail = 0;
  /** Exclusive: a head this end saw; the true head is at or past it. */
  private headSeen = 0;
  /** Position of this end's last successful push (a rendezvous send waits for HEAD to pass it). */
  private pushedPos = 0;
  private txChecks = 0;

  // Receiver side.
  private rxExclusive = false;
  /** Exclusive: the committed head (exact). Shared: a guess of RX_RESERVE. */
  private head = 0;
  /** Exclusive: a tail this end saw; the true tail is at or past it. */
  private tailSeen = 0;
  private rxChecks = 0;

  /** `blockAsync` waits of this end still pending; closing the end wakes them. */
  private asyncWaits = 0;

  private readonly control: Int32Array;
  private readonly values: Float64Array;
  /** Values the ring may hold: the capacity, or 1 for a rendezvous. */
  private readonly room: number;
  private readonly indexMask: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.control = new Int32Array(buffer, 0, valuesOffset() / 4);
    this.capacity = this.control[CAPACITY]!;
    const slots = this.control[SLOTS]!;
    this.room = Math.max(this.capacity, 1);
    this.indexMask = slots - 1;
    this.values = new Float64Array(buffer, valuesOffset(), slots);
  }

  /**
   * A fresh channel with one sender and one receiver counted. `start` is the first position
   * (tests start near the wrap of the position space).
   */
  static create(capacity: number, start = 0): ChannelCore {
    const slots = slotsFor(capacity);
    const buffer = new SharedArrayBuffer(byteLengthFor(slots));
    const control = new Int32Array(buffer, 0, valuesOffset() / 4);
    control[CAPACITY] = capacity;
    control[SLOTS] = slots;
    control[SENDERS] = 1;
    control[RECEIVERS] = 1;
    const position = start & POS_MASK;
    control[TAIL] = position;
    control[TX_RESERVE] = position;
    control[HEAD] = position;
    control[RX_RESERVE] = position;
    return new ChannelCore(buffer);
  }

  senders(): number {
    return Atomics.load(this.control, SENDERS);
  }

  receivers(): number {
    return Atomics.load(this.control, RECEIVERS);
  }

  /** Number of values in the ring now (a snapshot under concurrency). */
  length(): number {
    const head = Atomics.load(this.control, HEAD) & POS_MASK;
    const tail = Atomics.load(this.control, TAIL) & POS_MASK;
    return Math.min((tail - head) & POS_MASK, this.room);
  }

  /** Whether a receiver is parked waiting for a value (a rendezvous `trySend` needs one). */
  receiverWaiting(): boolean {
    return Atomics.load(this.control, RX_WAITERS) !== 0;
  }

  addSender(): void {
    Atomics.add(this.control, SENDERS, 1);
  }

  addReceiver(): void {
    Atomics.add(this.control, RECEIVERS, 1);
  }

  /** Gives back `count` senders; the last one gone wakes the receivers. */
  dropSender(count = 1): void {
    if (Atomics.sub(this.control, SENDERS, count) === count) this.wake(TAIL, RX_SLEEP);
  }

  /** Gives back `count` receivers; the last one gone fails the senders. */
  dropReceiver(count = 1): void {
    if (Atomics.sub(this.control, RECEIVERS, count) === count) {
      Atomics.or(this.control, TAIL, NO_RECEIVERS);
      Atomics.notify(this.control, TAIL);
      this.wake(HEAD, TX_SLEEP);
    }
  }

  /** Called by every new `Sender`: exclusive when it is the only one. */
  initSender(): void {
    const control = this.control;
    if (Atomics.load(control, SENDERS) === 1) {
      this.txExclusive = true;
      this.tail = Atomics.load(control, TAIL) & POS_MASK;
      this.headSeen = Atomics.load(control, HEAD) & POS_MASK;
    } else {
      this.txExclusive = false;
      this.tail = Atomics.load(control, TX_RESERVE);
    }
    this.txChecks = 0;
  }

  /** Called by every new `Receiver`: exclusive when it is the only one. */
  initReceiver(): void {
    const control = this.control;
    if (Atomics.load(control, RECEIVERS) === 1) {
      this.rxExclusive = true;
      this.head = Atomics.load(control, HEAD) & POS_MASK;
      this.tailSeen = this.head;
    } else {
      this.rxExclusive = false;
      this.head = Atomics.load(control, RX_RESERVE);
    }
    this.rxChecks = 0;
  }

  /**
   * Before a sender clones, crosses into a thread or closes: publishes its position to
   * TX_RESERVE (which an exclusive sender does not keep up) and becomes shared. Every value it
   * sent is already committed, so nothing else is held locally.
   */
  leaveExclusiveSender(): void {
    if (!this.txExclusive) return;
    Atomics.store(this.control, TX_RESERVE, this.tail);
    this.txExclusive = false;
    this.txChecks = 0;
  }

  /** The receiver's `leaveExclusiveSender`: publishes its head to RX_RESERVE. */
  leaveExclusiveReceiver(): void {
    if (!this.rxExclusive) return;
    Atomics.store(this.control, RX_RESERVE, this.head);
    this.rxExclusive = false;
    this.rxChecks = 0;
  }

  tryPush(value: number): number {
    if (!this.txExclusive) return this.pushShared(value);
    const control = this.control;
    const tail = this.tail;
    if (((tail - this.headSeen) & POS_MASK) >= this.room) {
      const head = Atomics.load(control, HEAD) & POS_MASK;
      this.headSeen = head;
      if (((tail - head) & POS_MASK) >= this.room) {
        return (Atomics.load(control, TAIL) & NO_RECEIVERS) !== 0 ? DISCONNECTED : WOULD_BLOCK;
      }
    }
    this.values[tail & this.indexMask] = value;
    const next = (tail + 1) & POS_MASK;
    const seen = Atomics.compareExchange(control, TAIL, tail, next);
    if (seen !== tail && this.commitTail(tail, next, seen) !== OK) return DISCONNECTED;
    this.tail = next;
    this.pushedPos = tail;
    return OK;
  }

  tryPop(): number {
    if (!this.rxExclusive) return this.popShared();
    const control = this.control;
    const head = this.head;
    if (head === this.tailSeen) {
      let tail = Atomics.load(control, TAIL) & POS_MASK;
      if (tail === head) {
        // Senders close after their last commit, so "no senders" read before a second look at
        // an unchanged tail means nothing more can come.
        if (Atomics.load(control, SENDERS) !== 0) return WOULD_BLOCK;
        tail = Atomics.load(control, TAIL) & POS_MASK;
        if (tail === head) return DISCONNECTED;
      }
      this.tailSeen = tail;
    }
    this.value = this.values[head & this.indexMask]!;
    const next = (head + 1) & POS_MASK;
    const seen = Atomics.compareExchange(control, HEAD, head, next);
    if (seen !== head) this.commitHead(head, next, seen);
    this.head = next;
    return OK;
  }

  /** Whether the value of this end's last successful `tryPush` was taken (for rendezvous). */
  lastPushTaken(): boolean {
    const head = Atomics.load(this.control, HEAD) & POS_MASK;
    return ((head - this.pushedPos - 1) << SIGN_SHIFT) >> SIGN_SHIFT >= 0;
  }

  private pushShared(value: number): number {
    const control = this.control;
    if (++this.txChecks >= EXCLUSIVE_CHECK_EVERY) {
      this.txChecks = 0;
      if (Atomics.load(control, SENDERS) === 1) {
        this.initSender();
        if (this.txExclusive) return this.tryPush(value);
      }
    }
    let reserve = this.tail;
    for (;;) {
      let head = Atomics.load(control, HEAD) & POS_MASK;
      if (((reserve - head) & POS_MASK) >= this.room) {
        // Full, or the guess is stale: look again, HEAD first, so that reserve >= head.
        head = Atomics.load(control, HEAD) & POS_MASK;
        reserve = Atomics.load(control, TX_RESERVE);
        if (((reserve - head) & POS_MASK) >= this.room) {
          this.tail = reserve;
          return (Atomics.load(control, TAIL) & NO_RECEIVERS) !== 0 ? DISCONNECTED : WOULD_BLOCK;
        }
      }
      const next = (reserve + 1) & POS_MASK;
      const seen = Atomics.compareExchange(control, TX_RESERVE, reserve, next);
      if (seen === reserve) break;
      reserve = seen;
    }
    // Position `reserve` is ours: write it, then commit when the senders before us did.
    this.values[reserve & this.indexMask] = value;
    const next = (reserve + 1) & POS_MASK;
    this.tail = next;
    const seen = Atomics.compareExchange(control, TAIL, reserve, next);
    if (seen !== reserve && this.commitTail(reserve, next, seen) !== OK) return DISCONNECTED;
    this.pushedPos = reserve;
    return OK;
  }

  private popShared(): number {
    const control = this.control;
    if (++this.rxChecks >= EXCLUSIVE_CHECK_EVERY) {
      this.rxChecks = 0;
      if (Atomics.load(control, RECEIVERS) === 1) {
        this.initReceiver();
        if (this.rxExclusive) return this.tryPop();
      }
    }
    let claim = this.head;
    for (;;) {
      let tail = Atomics.load(control, TAIL) & POS_MASK;
      let ready = (tail - claim) & POS_MASK;
      if (ready === 0 || ready > this.room) {
        // Empty, or the guess is stale: look again, RX_RESERVE first, so that tail >= claim.
        claim = Atomics.load(control, RX_RESERVE);
        tail = Atomics.load(control, TAIL) & POS_MASK;
        if (tail === claim) {
          this.head = claim;
          if (Atomics.load(control, SENDERS) !== 0) return WOULD_BLOCK;
          if ((Atomics.load(control, TAIL) & POS_MASK) === claim) return DISCONNECTED;
          continue;
        }
        ready = (tail - claim) & POS_MASK;
      }
      const next = (claim + 1) & POS_MASK;
      const seen = Atomics.compareExchange(control, RX_RESERVE, claim, next);
      if (seen === claim) break;
      claim = seen;
    }
    // Position `claim` is ours: no sender reuses its slot before HEAD passes it, which waits for us.
    this.value = this.values[claim & this.indexMask]!;
    const next = (claim + 1) & POS_MASK;
    this.head = next;
    const seen = Atomics.compareExchange(control, HEAD, claim, next);
    if (seen !== claim) this.commitHead(claim, next, seen);
    return OK;
  }

  /**
   * Moves TAIL from `from` to `to` once it reads `from` (earlier reservations committed), clearing
   * RX_SLEEP and notifying if it was set. `seen` is TAIL's last known value.
   */
  private commitTail(from: number, to: number, seen: number): number {
    const control = this.control;
    for (let spins = 0; ; spins++) {
      if ((seen & NO_RECEIVERS) !== 0) return DISCONNECTED;
      if ((seen & POS_MASK) === from) {
        const was = Atomics.compareExchange(control, TAIL, seen, to);
        if (was === seen) {
          if ((seen & RX_SLEEP) !== 0) Atomics.notify(control, TAIL);
          return OK;
        }
        seen = was;
      } else {
        // A sender before us has reserved but not committed yet: it is a few instructions away,
        // unless its thread was descheduled. After a while, sleep on TAIL with RX_SLEEP set, so
        // the commit before ours wakes us (receivers parked on TAIL just look again).
        if (spins > SPINS) {
          const armed = this.arm(TAIL, RX_SLEEP);
          if ((armed & POS_MASK) !== from && (armed & NO_RECEIVERS) === 0) {
            Atomics.wait(control, TAIL, armed, 10);
          }
        }
        seen = Atomics.load(control, TAIL);
      }
    }
  }

  /** The receivers' `commitTail` on HEAD, clearing TX_SLEEP and notifying if it was set. */
  private commitHead(from: number, to: number, seen: number): void {
    const control = this.control;
    for (let spins = 0; ; spins++) {
      if ((seen & POS_MASK) === from) {
        const was = Atomics.compareExchange(control, HEAD, seen, to);
        if (was === seen) {
          if ((seen & TX_SLEEP) !== 0) Atomics.notify(control, HEAD);
          return;
        }
        seen = was;
      } else {
        if (spins > SPINS) {
          const armed = this.arm(HEAD, TX_SLEEP);
          if ((armed & POS_MASK) !== from) Atomics.wait(control, HEAD, armed, 10);
        }
        seen = Atomics.load(control, HEAD);
      }
    }
  }

  /** Clears `flag` in `word` if set, and wakes everyone parked on it. */
  private wake(word: number, flag: number): void {
    const control = this.control;
    let seen = Atomics.load(control, word);
    while ((seen & flag) !== 0) {
      const was = Atomics.compareExchange(control, word, seen, seen & ~flag);
      if (was === seen) {
        Atomics.notify(control, word);
        return;
      }
      seen = was;
    }
  }

  /** Sets `flag` in `word` (announcing a sleeper) and returns the word's value with it set. */
  private arm(word: number, flag: number): number {
    const control = this.control;
    let seen = Atomics.load(control, word);
    while ((seen & flag) === 0) {
      const was = Atomics.compareExchange(control, word, seen, seen | flag);
      if (was === seen) return seen | flag;
      seen = was;
    }
    return seen;
  }

  /**
   * Runs `attempt` until it stops returning WOULD_BLOCK: spin, nap, then park. A receiver parks
   * on TAIL with RX_SLEEP set in it, a sender on HEAD with TX_SLEEP; the flag is set before the
   * last attempt, so a commit after that attempt sees it, clears it and notifies, and a commit
   * before it is seen by the attempt. Blocks the thread.
   */
  block(attempt: () => number, side: 'rx' | 'tx', deadline: number): number {
    let status = attempt();
    if (status !== WOULD_BLOCK) return status;
    // 1. Spin, polling less and less often: the other side is usually a few microseconds away,
    // and each poll takes the cache line it is writing away from it.
    for (let wait = PAUSE_MIN; wait <= PAUSE_MAX; wait *= 2) {
      pause(wait);
      status = attempt();
      if (status !== WOULD_BLOCK) return status;
    }
    const control = this.control;
    const rx = side === 'rx';
    const word = rx ? TAIL : HEAD;
    // 2. Nap: short timed waits that nobody is told about, so the other side pays no notify to
    // wake us, and a core we share with it is given up to it meanwhile.
    const napUntil = Math.min(performance.now() + NAP_MS, deadline);
    for (;;) {
      const left = napUntil - performance.now();
      if (left <= 0) break;
      Atomics.wait(control, word, Atomics.load(control, word), Math.min(NAP_EACH, left));
      status = attempt();
      if (status !== WOULD_BLOCK) return status;
    }
    // 3. Park until notified.
    const flag = rx ? RX_SLEEP : TX_SLEEP;
    if (rx) Atomics.add(control, RX_WAITERS, 1);
    try {
      for (;;) {
        const seen = this.arm(word, flag);
        status = attempt();
        if (status !== WOULD_BLOCK) return status;
        const left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        Atomics.wait(control, word, seen, left === Number.POSITIVE_INFINITY ? undefined : left);
      }
    } finally {
      if (rx) Atomics.sub(control, RX_WAITERS, 1);
    }
  }

  /** `block` for the main thread: awaits `Atomics.waitAsync`, holding the event loop open. */
  async blockAsync(attempt: () => number, side: 'rx' | 'tx', deadline: number): Promise<number> {
    const control = this.control;
    const rx = side === 'rx';
    const word = rx ? TAIL : HEAD;
    const flag = rx ? RX_SLEEP : TX_SLEEP;
    const release = holdEventLoop();
    if (rx) Atomics.add(control, RX_WAITERS, 1);
    this.asyncWaits++;
    try {
      for (;;) {
        const seen = this.arm(word, flag);
        const status = attempt();
        if (status !== WOULD_BLOCK) return status;
        const left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        const wait = Atomics.waitAsync(
          control,
          word,
          seen,
          left === Number.POSITIVE_INFINITY ? undefined : left,
        );
        if (wait.async) await wait.value;
      }
    } finally {
      this.asyncWaits--;
      if (rx) Atomics.sub(control, RX_WAITERS, 1);
      release();
    }
  }

  /**
   * Wakes this end's own pending `blockAsync` waits, after the end was closed or moved: their
   * next attempt sees that and fails, which releases the event loop. A wait parks on the word of
   * its side, so this notifies that word; others parked there look again and park again.
   */
  wakeOwnWaits(side: 'rx' | 'tx'): void {
    if (this.asyncWaits !== 0) Atomics.notify(this.control, side === 'rx' ? TAIL : HEAD);
  }
}
