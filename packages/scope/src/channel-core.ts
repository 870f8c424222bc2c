import {
  byteLengthFor,
  CAPACITY,
  HEAD,
  ONE_LAP,
  oneLapFor,
  RECEIVERS,
  RX_EVENT,
  RX_WAITERS,
  SENDERS,
  SLOTS,
  slotsFor,
  stampsOffset,
  TAIL,
  TX_EVENT,
  TX_WAITERS,
  valuesOffset,
} from './channel-layout.js';
import { holdEventLoop } from './keep-alive.js';

export const OK = 0;
/** Push: no room. Pop: nothing there yet. */
export const WOULD_BLOCK = 1;
/** Push: every receiver closed. Pop: empty and every sender closed. */
export const DISCONNECTED = 2;
export const TIMED_OUT = 3;

// Spins before parking: a parked wait costs a futex round trip (microseconds), a spin a few ns,
// and in a busy producer/consumer pair the other side is usually only nanoseconds away.
const SPINS = 256;

/**
 * The lock-free ring shared by every end of one channel, in any thread. Senders and receivers
 * each claim a position with one compare-exchange on their own counter; the slot's stamp says
 * whether it is free or full for that lap, so neither side reads the other's counter on the fast
 * path. A side parks only after spinning, and the other side notifies only when it sees a parked
 * waiter counted.
 */
export class ChannelCore {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  /** The value of the last successful `tryPop`. */
  value = 0;
  // This thread's last view of the counters: with one sender (or one receiver) the guess is right
  // and the compare-exchange needs no load before it; when wrong, the exchange returns the truth.
  private tailGuess = 0;
  private headGuess = 0;
  private pushedIndex = 0;
  private pushedStamp = 0;
  private readonly control: Int32Array;
  private readonly stamps: Int32Array;
  private readonly values: Float64Array;
  private readonly slots: number;
  private readonly oneLap: number;
  private readonly indexMask: number;
  private readonly lapMask: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.control = new Int32Array(buffer, 0, stampsOffset() / 4);
    this.capacity = this.control[CAPACITY]!;
    this.slots = this.control[SLOTS]!;
    this.oneLap = this.control[ONE_LAP]!;
    this.indexMask = this.oneLap - 1;
    this.lapMask = ~this.indexMask;
    this.stamps = new Int32Array(buffer, stampsOffset(), this.slots);
    this.values = new Float64Array(buffer, valuesOffset(this.slots), this.slots);
  }

  /** A fresh channel with one sender and one receiver counted. */
  static create(capacity: number): ChannelCore {
    const slots = slotsFor(capacity);
    const buffer = new SharedArrayBuffer(byteLengthFor(slots));
    const control = new Int32Array(buffer, 0, stampsOffset() / 4);
    control[CAPACITY] = capacity;
    control[SLOTS] = slots;
    control[ONE_LAP] = oneLapFor(slots);
    control[SENDERS] = 1;
    control[RECEIVERS] = 1;
    const stamps = new Int32Array(buffer, stampsOffset(), slots);
    for (let i = 0; i < slots; i++) stamps[i] = i;
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
    const tail = Atomics.load(this.control, TAIL);
    const head = Atomics.load(this.control, HEAD);
    const laps = ((tail & this.lapMask) - (head & this.lapMask)) / this.oneLap;
    return laps * this.slots + (tail & this.indexMask) - (head & this.indexMask);
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

  dropSender(): void {
    if (Atomics.sub(this.control, SENDERS, 1) === 1) this.wake(RX_EVENT, Number.POSITIVE_INFINITY);
  }

  dropReceiver(): void {
    if (Atomics.sub(this.control, RECEIVERS, 1) === 1) this.wake(TX_EVENT, Number.POSITIVE_INFINITY);
  }

  tryPush(value: number): number {
    const control = this.control;
    const stamps = this.stamps;
    if (Atomics.load(control, RECEIVERS) === 0) return DISCONNECTED;
    let tail = this.tailGuess;
    for (;;) {
      const index = tail & this.indexMask;
      const stamp = Atomics.load(stamps, index);
      if (stamp === tail) {
        const next = index + 1 < this.slots ? (tail + 1) | 0 : ((tail & this.lapMask) + this.oneLap) | 0;
        const seen = Atomics.compareExchange(control, TAIL, tail, next);
        if (seen === tail) {
          this.tailGuess = next;
          this.values[index] = value;
          this.pushedIndex = index;
          this.pushedStamp = (tail + 1) | 0;
          Atomics.store(stamps, index, this.pushedStamp);
          if (Atomics.load(control, RX_WAITERS) !== 0) this.wake(RX_EVENT, 1);
          return OK;
        }
        tail = seen;
      } else if (((stamp + this.oneLap) | 0) === ((tail + 1) | 0)) {
        // The slot still holds last lap's value: full, unless a receiver is mid-way taking it.
        if (((Atomics.load(control, HEAD) + this.oneLap) | 0) === tail) return WOULD_BLOCK;
        tail = Atomics.load(control, TAIL);
      } else {
        tail = Atomics.load(control, TAIL);
      }
    }
  }

  tryPop(): number {
    const control = this.control;
    const stamps = this.stamps;
    let head = this.headGuess;
    for (;;) {
      const index = head & this.indexMask;
      const stamp = Atomics.load(stamps, index);
      if (stamp === ((head + 1) | 0)) {
        const next = index + 1 < this.slots ? (head + 1) | 0 : ((head & this.lapMask) + this.oneLap) | 0;
        const seen = Atomics.compareExchange(control, HEAD, head, next);
        if (seen === head) {
          this.headGuess = next;
          this.value = this.values[index]!;
          Atomics.store(stamps, index, (head + this.oneLap) | 0);
          if (Atomics.load(control, TX_WAITERS) !== 0) this.wake(TX_EVENT, Number.POSITIVE_INFINITY);
          return OK;
        }
        head = seen;
      } else if (stamp === head) {
        if (Atomics.load(control, TAIL) === head) {
          // Senders close after their last push, so "no senders" read before a second look at
          // an unchanged tail means nothing more can come.
          if (Atomics.load(control, SENDERS) !== 0) return WOULD_BLOCK;
          if (Atomics.load(control, TAIL) === head) return DISCONNECTED;
        }
        head = Atomics.load(control, HEAD);
      } else {
        head = Atomics.load(control, HEAD);
      }
    }
  }

  /** Whether the value of this thread's last successful `tryPush` was taken (for rendezvous). */
  lastPushTaken(): boolean {
    return Atomics.load(this.stamps, this.pushedIndex) !== this.pushedStamp;
  }

  private wake(word: number, count: number): void {
    Atomics.add(this.control, word, 1);
    Atomics.notify(this.control, word, count);
  }

  /**
   * Runs `attempt` until it stops returning WOULD_BLOCK: spin, then park on `event` with this
   * side's waiter count raised (so the other side knows to notify). Blocks the thread.
   */
  block(attempt: () => number, side: 'rx' | 'tx', deadline: number): number {
    for (let i = 0; i < SPINS; i++) {
      const status = attempt();
      if (status !== WOULD_BLOCK) return status;
    }
    const control = this.control;
    const [waiters, event] = side === 'rx' ? [RX_WAITERS, RX_EVENT] : [TX_WAITERS, TX_EVENT];
    Atomics.add(control, waiters, 1);
    try {
      for (;;) {
        const seen = Atomics.load(control, event);
        const status = attempt();
        if (status !== WOULD_BLOCK) return status;
        const left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        Atomics.wait(control, event, seen, left === Number.POSITIVE_INFINITY ? undefined : left);
      }
    } finally {
      Atomics.sub(control, waiters, 1);
    }
  }

  /** `block` for the main thread: awaits `Atomics.waitAsync`, holding the event loop open. */
  async blockAsync(attempt: () => number, side: 'rx' | 'tx', deadline: number): Promise<number> {
    const control = this.control;
    const [waiters, event] = side === 'rx' ? [RX_WAITERS, RX_EVENT] : [TX_WAITERS, TX_EVENT];
    const release = holdEventLoop();
    Atomics.add(control, waiters, 1);
    try {
      for (;;) {
        const seen = Atomics.load(control, event);
        const status = attempt();
        if (status !== WOULD_BLOCK) return status;
        const left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        const wait = Atomics.waitAsync(
          control,
          event,
          seen,
          left === Number.POSITIVE_INFINITY ? undefined : left,
        );
        if (wait.async) await wait.value;
      }
    } finally {
      Atomics.sub(control, waiters, 1);
      release();
    }
  }
}
