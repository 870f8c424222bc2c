import { currentThreadId, isMainThread } from '@herd/shared';
import {
  byteLengthFor,
  CAPACITY,
  HEAD,
  NO_RECEIVERS,
  OWNER_MASK,
  ownerTag,
  POS_BITS,
  POS_MASK,
  RECEIVERS,
  RX_LOCK,
  RX_SLEEP,
  SENDERS,
  SLOTS,
  slotsFor,
  TAIL,
  TX_LOCK,
  TX_SLEEP,
  valuesOffset,
  WAITER_CELLS,
  WAITERS,
  WAITING,
} from './channel-layout.js';
import { EndCounts, type Side } from './end-counts.js';
import { holdEventLoop } from './keep-alive.js';

export const OK = 0;
/** Push: no room. Pop: nothing there yet. */
export const WOULD_BLOCK = 1;
/** Push: every receiver closed. Pop: empty and every sender closed. */
export const DISCONNECTED = 2;
export const TIMED_OUT = 3;
/** Another end of the same side holds the side's lock (several ends only). */
export const BUSY = 4;
/** An async wait's signal was aborted. */
export const ABORTED = 5;

/**
 * The typed arrays `recvMany` fills: any of numbers (not bigints).
 *
 * @example
 * ```ts
 * const into: NumberArray = new Uint32Array(1024); // Ptrs
 * const n = rx.recvMany(into);
 * ```
 */
export type NumberArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

// A shared end re-checks every this many operations whether it became the only end of its side.
const EXCLUSIVE_CHECK_EVERY = 64;
// Turns a 29-bit position difference into a signed one.
const SIGN_SHIFT = 32 - POS_BITS;
// Batches at least this long are copied with `TypedArray#set` (a memcpy); shorter ones by a loop,
// which costs less than the two views `set` needs.
const BULK_COPY = 32;

// Waiting for the other side, in three steps (`block`): spin with pauses of PAUSE_MIN to
// PAUSE_MAX steps, doubling; then nap, NAP_EACH ms at a time, for NAP_MS; then park until
// notified. A step costs 5-9 ns on the 2-core machine this was tuned on, so the spin lasts some
// 40-75 us there, and a nap of 0.02 ms takes ~0.1 ms (the timer's slack). The first pause is not
// the shortest possible on purpose: a receiver that polls the moment it has drained the ring
// takes the tail's cache line from the sender on every message; a few microseconds let a batch
// build up (5M numbers: 23 -> 27 M msgs/s).
const PAUSE_MIN = 512;
const PAUSE_MAX = 4096;
const NAP_MS = 1;
const NAP_EACH = 0.02;
// The main thread's share of that spin (`blockAsync`), up to 2048 steps (20-35 us there):
// shorter, since its event loop waits meanwhile.
const PAUSE_MAX_ASYNC = 2048;
// Room a blocked sender waits for while it spins (a quarter of the capacity if that is less).
const LOW_WATER = 64;

// Taking a side's lock held by another end: that end is a few instructions from releasing it
// unless its thread was descheduled (or died), so try LOCK_TRIES times, LOCK_PAUSE steps apart
// (3-5 us in all there), before giving up (try forms) or parking on the lock word.
const LOCK_TRIES = 16;
const LOCK_PAUSE = 32;
// The main thread may not park. Its blocking forms wait this long for a lock holder that is
// descheduled before they give up with the main-thread error: a holder that died is repaired by
// the main thread's own event loop, which a longer wait would only hold up.
const MAIN_LOCK_MS = 5;
// A receiver parked on a rendezvous channel that found every waiter cell taken (more than
// WAITER_CELLS receivers parked at once) wakes this often to take a cell that came free, so that
// `trySend` sees it waiting.
const WAITER_RETRY_MS = 1;

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
 * The only sender of a channel is *exclusive*: its position is exact, it takes no lock, and it
 * checks for room against a cached HEAD, re-read only when the ring looks full. One
 * compare-exchange per send. The only receiver is exclusive the same way: it reads TAIL once for
 * every run of values it finds there, and moves HEAD with one compare-exchange per value (so a
 * sender sees room the moment a value was taken, and the capacity is exact). Exclusivity ends
 * only by the end's own doing (`clone`, crossing into a thread, `close`), before the other end
 * exists; it starts again when a shared end finds itself alone.
 *
 * When a side has several ends, each operation is a short critical section under the side's
 * lock (TX_LOCK, RX_LOCK): read TAIL and HEAD, write (read) the slots, move TAIL (HEAD) with one
 * compare-exchange, release. The lock word holds its holder's owner tag, taken with the same
 * compare-exchange, so a thread that dies in the section is found out by `repairThread`, and a
 * commit is all or nothing: before its compare-exchange on TAIL the value was never sent, after it
 * the value was. (Reserving positions and committing them in order, what this replaced, leaves a
 * dead thread's reservation in front of every later commit: the channel wedges.)
 *
 * Invariants, positions modulo 2^29 (`a <= b` meaning `(b - a) & POS_MASK` is small):
 * - HEAD <= TAIL <= HEAD + room. TAIL moves only under TX_LOCK or by the exclusive sender (never
 *   both: exclusivity means no other sender exists), HEAD only under RX_LOCK or by the exclusive
 *   receiver. So whoever moves TAIL (HEAD) knows its position bits cannot change under it: a
 *   compare-exchange on it fails only because a flag changed.
 * - Slots in [HEAD, TAIL) hold committed values, read only by whoever may move HEAD; slots in
 *   [TAIL, HEAD + room) are free, written only by whoever may move TAIL. A value written past TAIL
 *   by a thread that died before committing is never read and is overwritten by the next sender.
 * - A cached HEAD (sender) is at or behind the true HEAD and a cached TAIL (receiver) at or behind
 *   the true TAIL: stale reads only make a side think there is less room (fewer values).
 *
 * What a dead thread may leave behind, and who repairs it (see `repairThread`, `EndCounts`):
 * a lock word (freed by its owner tag), a waiter cell (cleared by its owner tag), a sleep flag
 * (costs one needless notify; a notify it owed is sent by the repair), an uncommitted slot
 * (invisible), its ends' counts (its groups are cleared). A value it had taken is gone with it.
 */
export class ChannelCore {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly ends: EndCounts;
  /** This thread's tag in lock words and waiter cells. */
  readonly me: number;
  /** Whether this end lives on a main thread, where waits must be async. */
  readonly onMain: boolean;
  /** The value of the last successful `tryPop`. */
  value = 0;
  /** How many values the last successful `tryPushMany` / `tryPopMany` moved. */
  count = 0;
  /**
   * Room a push needs before it writes: 1, except while a blocked sender spins (`block`), when
   * it is a low-water mark (see LOW_WATER).
   */
  private needRoom = 1;

  // Sender side.
  private txExclusive = false;
  /** Exclusive: the committed tail (exact). */
  private tail = 0;
  /** Exclusive: a head this end saw; the true head is at or past it. */
  private headSeen = 0;
  /** Position of this end's last successful push (a rendezvous send waits for HEAD to pass it). */
  private pushedPos = 0;
  private txChecks = 0;

  // Receiver side.
  private rxExclusive = false;
  /** Exclusive: the committed head (exact). */
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
    this.ends = new EndCounts(this.control);
    this.me = ownerTag(currentThreadId());
    this.onMain = isMainThread();
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
    control[HEAD] = position;
    return new ChannelCore(buffer);
  }

  senders(): number {
    return this.ends.total('tx');
  }

  receivers(): number {
    return this.ends.total('rx');
  }

  /** Number of values in the ring now (a snapshot under concurrency). */
  length(): number {
    const head = Atomics.load(this.control, HEAD) & POS_MASK;
    const tail = Atomics.load(this.control, TAIL) & POS_MASK;
    return Math.min((tail - head) & POS_MASK, this.room);
  }

  /** Whether a receiver is parked waiting for a value (a rendezvous `trySend` needs one). */
  receiverWaiting(): boolean {
    for (let i = 0; i < WAITER_CELLS; i++) if (Atomics.load(this.control, WAITERS + i) !== 0) return true;
    return false;
  }

  /** Called by every new end: exclusive when it is the only one of its side. */
  initEnd(side: Side): void {
    const control = this.control;
    if (side === 'tx') {
      this.txChecks = 0;
      this.txExclusive = this.ends.total('tx') === 1;
      if (this.txExclusive) {
        this.tail = Atomics.load(control, TAIL) & POS_MASK;
        this.headSeen = Atomics.load(control, HEAD) & POS_MASK;
      }
    } else {
      this.rxChecks = 0;
      this.rxExclusive = this.ends.total('rx') === 1;
      if (this.rxExclusive) {
        this.head = Atomics.load(control, HEAD) & POS_MASK;
        this.tailSeen = this.head;
      }
    }
  }

  /**
   * Before an end clones, crosses into a thread or closes: it stops being exclusive, so that
   * the other end never runs beside an exclusive one. Its position is already in TAIL (HEAD):
   * an exclusive end commits every value as it goes.
   */
  leaveExclusive(side: Side): void {
    if (side === 'tx') this.txExclusive = false;
    else this.rxExclusive = false;
  }

  /**
   * After `side` lost ends: a receiver parked for a value looks again (it may find every sender
   * gone); when no receiver is left, every send fails from now on.
   */
  endsGone(side: Side): void {
    const control = this.control;
    if (side === 'tx') {
      this.wake(TAIL, RX_SLEEP);
    } else if (!this.ends.any('rx')) {
      Atomics.or(control, TAIL, NO_RECEIVERS);
      Atomics.notify(control, TAIL);
      this.wake(HEAD, TX_SLEEP);
    }
  }

  // ---- one value ----

  tryPush(value: number): number {
    if (!this.txExclusive) return this.pushShared(value);
    const control = this.control;
    const tail = this.tail;
    const most = this.room - this.needRoom;
    if (((tail - this.headSeen) & POS_MASK) > most) {
      const head = Atomics.load(control, HEAD) & POS_MASK;
      this.headSeen = head;
      if (((tail - head) & POS_MASK) > most) {
        return (Atomics.load(control, TAIL) & NO_RECEIVERS) !== 0 ? DISCONNECTED : WOULD_BLOCK;
      }
    }
    this.values[tail & this.indexMask] = value;
    const next = (tail + 1) & POS_MASK;
    const seen = Atomics.compareExchange(control, TAIL, tail, next);
    if (seen !== tail && this.commitTail(next, seen) !== OK) return DISCONNECTED;
    this.tail = next;
    this.pushedPos = tail;
    return OK;
  }

  tryPop(): number {
    if (!this.rxExclusive) return this.popShared();
    const control = this.control;
    const head = this.head;
    if (head === this.tailSeen) {
      const tail = this.readyTail(head);
      if (tail < 0) return -tail;
      this.tailSeen = tail;
    }
    this.value = this.values[head & this.indexMask]!;
    const next = (head + 1) & POS_MASK;
    const seen = Atomics.compareExchange(control, HEAD, head, next);
    if (seen !== head) this.commitHead(next, seen);
    this.head = next;
    return OK;
  }

  /** Whether the value of this end's last successful push was taken (for rendezvous). */
  lastPushTaken(): boolean {
    const head = Atomics.load(this.control, HEAD) & POS_MASK;
    return ((head - this.pushedPos - 1) << SIGN_SHIFT) >> SIGN_SHIFT >= 0;
  }

  private pushShared(value: number): number {
    if (++this.txChecks >= EXCLUSIVE_CHECK_EVERY && this.becameOnly('tx')) return this.tryPush(value);
    if (!this.lock(TX_LOCK)) return BUSY;
    const control = this.control;
    const tail = Atomics.load(control, TAIL);
    const pos = tail & POS_MASK;
    let status: number;
    if ((tail & NO_RECEIVERS) !== 0) status = DISCONNECTED;
    else if (((pos - Atomics.load(control, HEAD)) & POS_MASK) > this.room - this.needRoom)
      status = WOULD_BLOCK;
    else {
      this.values[pos & this.indexMask] = value;
      const next = (pos + 1) & POS_MASK;
      const seen = Atomics.compareExchange(control, TAIL, tail, next);
      status = seen === tail ? this.notifyIfSleeping(tail) : this.commitTail(next, seen);
      if (status === OK) this.pushedPos = pos;
    }
    this.unlock(TX_LOCK);
    return status;
  }

  private popShared(): number {
    if (++this.rxChecks >= EXCLUSIVE_CHECK_EVERY && this.becameOnly('rx')) return this.tryPop();
    if (!this.lock(RX_LOCK)) return BUSY;
    const control = this.control;
    const headWord = Atomics.load(control, HEAD);
    const head = headWord & POS_MASK;
    let status = OK;
    const tail = this.readyTail(head);
    if (tail < 0) status = -tail;
    else {
      this.value = this.values[head & this.indexMask]!;
      const next = (head + 1) & POS_MASK;
      const seen = Atomics.compareExchange(control, HEAD, headWord, next);
      if (seen !== headWord) this.commitHead(next, seen);
      else if ((headWord & TX_SLEEP) !== 0) Atomics.notify(control, HEAD);
    }
    this.unlock(RX_LOCK);
    return status;
  }

  // ---- batches ----

  /**
   * Pushes `src[from..]`, as many as there is room for (at least one), in one commit; `count`
   * says how many. With `all`, pushes only when every one of them fits (the main thread's
   * `sendMany`, which may not wait half-way).
   */
  tryPushMany(src: ArrayLike<number>, from: number, all: boolean): number {
    const want = src.length - from;
    const need = all ? want : Math.min(want, this.needRoom);
    if (!this.txExclusive) {
      if (++this.txChecks >= EXCLUSIVE_CHECK_EVERY && this.becameOnly('tx')) {
        return this.tryPushMany(src, from, all);
      }
      return this.pushManyShared(src, from, want, need);
    }
    const control = this.control;
    const tail = this.tail;
    let free = this.room - ((tail - this.headSeen) & POS_MASK);
    if (free < want) {
      const head = Atomics.load(control, HEAD) & POS_MASK;
      this.headSeen = head;
      free = this.room - ((tail - head) & POS_MASK);
      if (free < need) {
        return (Atomics.load(control, TAIL) & NO_RECEIVERS) !== 0 ? DISCONNECTED : WOULD_BLOCK;
      }
    }
    const k = Math.min(free, want);
    this.copyIn(src, from, k, tail);
    const next = (tail + k) & POS_MASK;
    const seen = Atomics.compareExchange(control, TAIL, tail, next);
    if (seen !== tail && this.commitTail(next, seen) !== OK) return DISCONNECTED;
    this.tail = next;
    this.pushedPos = (next - 1) & POS_MASK;
    this.count = k;
    return OK;
  }

  /** Takes up to `max` values into `into[from..]` (at least one), in one commit; `count` says how many. */
  tryPopMany(into: NumberArray, from: number, max: number): number {
    if (!this.rxExclusive) {
      if (++this.rxChecks >= EXCLUSIVE_CHECK_EVERY && this.becameOnly('rx')) {
        return this.tryPopMany(into, from, max);
      }
      return this.popManyShared(into, from, max);
    }
    const control = this.control;
    const head = this.head;
    let ready = (this.tailSeen - head) & POS_MASK;
    if (ready < max) {
      // Values seen before are still there (only this end takes them), so the ring is empty
      // only when none were.
      const tail = this.readyTail(head);
      if (tail < 0) return -tail;
      this.tailSeen = tail;
      ready = (tail - head) & POS_MASK;
    }
    const k = Math.min(ready, max);
    this.copyOut(into, from, k, head);
    const next = (head + k) & POS_MASK;
    const seen = Atomics.compareExchange(control, HEAD, head, next);
    if (seen !== head) this.commitHead(next, seen);
    this.head = next;
    this.count = k;
    return OK;
  }

  private pushManyShared(src: ArrayLike<number>, from: number, want: number, need: number): number {
    if (!this.lock(TX_LOCK)) return BUSY;
    const control = this.control;
    const tail = Atomics.load(control, TAIL);
    const pos = tail & POS_MASK;
    const free = this.room - ((pos - Atomics.load(control, HEAD)) & POS_MASK);
    let status: number;
    if ((tail & NO_RECEIVERS) !== 0) status = DISCONNECTED;
    else if (free < need) status = WOULD_BLOCK;
    else {
      const k = Math.min(free, want);
      this.copyIn(src, from, k, pos);
      const next = (pos + k) & POS_MASK;
      const seen = Atomics.compareExchange(control, TAIL, tail, next);
      status = seen === tail ? this.notifyIfSleeping(tail) : this.commitTail(next, seen);
      if (status === OK) {
        this.pushedPos = (next - 1) & POS_MASK;
        this.count = k;
      }
    }
    this.unlock(TX_LOCK);
    return status;
  }

  private popManyShared(into: NumberArray, from: number, max: number): number {
    if (!this.lock(RX_LOCK)) return BUSY;
    const control = this.control;
    const headWord = Atomics.load(control, HEAD);
    const head = headWord & POS_MASK;
    let status = OK;
    const tail = this.readyTail(head);
    if (tail < 0) status = -tail;
    else {
      const k = Math.min((tail - head) & POS_MASK, max);
      this.copyOut(into, from, k, head);
      const next = (head + k) & POS_MASK;
      const seen = Atomics.compareExchange(control, HEAD, headWord, next);
      if (seen !== headWord) this.commitHead(next, seen);
      else if ((headWord & TX_SLEEP) !== 0) Atomics.notify(control, HEAD);
      this.count = k;
    }
    this.unlock(RX_LOCK);
    return status;
  }

  private copyIn(src: ArrayLike<number>, from: number, k: number, pos: number): void {
    const values = this.values;
    const start = pos & this.indexMask;
    const first = Math.min(k, this.indexMask + 1 - start);
    if (k >= BULK_COPY && ArrayBuffer.isView(src)) {
      const typed = src as unknown as NumberArray;
      values.set(typed.subarray(from, from + first), start);
      if (first < k) values.set(typed.subarray(from + first, from + k), 0);
      return;
    }
    for (let i = 0; i < first; i++) values[start + i] = src[from + i]!;
    for (let i = first; i < k; i++) values[i - first] = src[from + i]!;
  }

  private copyOut(into: NumberArray, from: number, k: number, pos: number): void {
    const values = this.values;
    const start = pos & this.indexMask;
    const first = Math.min(k, this.indexMask + 1 - start);
    if (k >= BULK_COPY) {
      into.set(values.subarray(start, start + first), from);
      if (first < k) into.set(values.subarray(0, k - first), from + first);
      return;
    }
    for (let i = 0; i < first; i++) into[from + i] = values[start + i]!;
    for (let i = first; i < k; i++) into[from + i] = values[i - first]!;
  }

  // ---- shared helpers ----

  /**
   * TAIL's position for a receiver at `head` (the caller may move HEAD), or, when the ring is
   * empty, minus WOULD_BLOCK while a sender is left and minus DISCONNECTED when none is. Senders
   * close after their last commit, so "no senders" read before a second look at an unchanged
   * tail means nothing more can come.
   */
  private readyTail(head: number): number {
    const control = this.control;
    const tail = Atomics.load(control, TAIL) & POS_MASK;
    if (tail !== head) return tail;
    if (this.ends.any('tx')) return -WOULD_BLOCK;
    const again = Atomics.load(control, TAIL) & POS_MASK;
    return again === head ? -DISCONNECTED : again;
  }

  /** A shared end re-checking whether it is alone now; if so it becomes exclusive. */
  private becameOnly(side: Side): boolean {
    if (side === 'tx') this.txChecks = 0;
    else this.rxChecks = 0;
    if (this.ends.total(side) !== 1) return false;
    this.initEnd(side);
    return side === 'tx' ? this.txExclusive : this.rxExclusive;
  }

  /** After a commit from a TAIL word that had RX_SLEEP set: wake the receivers parked on it. */
  private notifyIfSleeping(was: number): number {
    if ((was & RX_SLEEP) !== 0) Atomics.notify(this.control, TAIL);
    return OK;
  }

  /**
   * Moves TAIL to `to` after a compare-exchange that found `seen`: the caller may move TAIL, so
   * only flags can differ. Clears RX_SLEEP (notifying) or gives up on NO_RECEIVERS.
   */
  private commitTail(to: number, seen: number): number {
    const control = this.control;
    for (;;) {
      if ((seen & NO_RECEIVERS) !== 0) return DISCONNECTED;
      const was = Atomics.compareExchange(control, TAIL, seen, to);
      if (was === seen) return this.notifyIfSleeping(seen);
      seen = was;
    }
  }

  /** The receivers' `commitTail` on HEAD, clearing TX_SLEEP and notifying if it was set. */
  private commitHead(to: number, seen: number): void {
    const control = this.control;
    for (;;) {
      const was = Atomics.compareExchange(control, HEAD, seen, to);
      if (was === seen) {
        if ((seen & TX_SLEEP) !== 0) Atomics.notify(control, HEAD);
        return;
      }
      seen = was;
    }
  }

  /** Takes the lock word `word` with this thread's tag, trying for a couple of microseconds. */
  private lock(word: number): boolean {
    const control = this.control;
    const me = this.me;
    if (Atomics.compareExchange(control, word, 0, me) === 0) return true;
    for (let i = 0; i < LOCK_TRIES; i++) {
      pause(LOCK_PAUSE);
      if (Atomics.load(control, word) === 0 && Atomics.compareExchange(control, word, 0, me) === 0)
        return true;
    }
    return false;
  }

  /** Releases the lock word `word`, waking whoever parked on it. */
  private unlock(word: number): void {
    const control = this.control;
    if (Atomics.compareExchange(control, word, this.me, 0) !== this.me) {
      Atomics.store(control, word, 0);
      Atomics.notify(control, word);
    }
  }

  /** Sets WAITING in a held lock word; returns the value to wait on, or 0 when it came free. */
  private armLock(word: number): number {
    const control = this.control;
    let seen = Atomics.load(control, word);
    while (seen !== 0 && (seen & WAITING) === 0) {
      const was = Atomics.compareExchange(control, word, seen, seen | WAITING);
      if (was === seen) return seen | WAITING;
      seen = was;
    }
    return seen;
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

  /** Takes a free waiter cell for this thread (rendezvous receivers); -1 when all are taken. */
  private enterWaiters(): number {
    for (let i = 0; i < WAITER_CELLS; i++) {
      if (Atomics.compareExchange(this.control, WAITERS + i, 0, this.me) === 0) return i;
    }
    return -1;
  }

  private leaveWaiters(cell: number): void {
    if (cell >= 0) Atomics.compareExchange(this.control, WAITERS + cell, this.me, 0);
  }

  // ---- repairs ----

  /**
   * Frees what the thread `threadId` held in this channel's words when it stopped mid-task (it
   * runs no more instructions): a side's lock, waiter cells. Then wakes everyone parked on TAIL
   * and HEAD, since a commit it made may have cleared a sleep flag without the notify that goes
   * with it. Idempotent.
   */
  repairThread(threadId: number): void {
    this.repairTag(ownerTag(threadId));
  }

  /** `repairThread` by owner tag (what lock words and a group's HOLDER record). */
  repairTag(tag: number): void {
    const control = this.control;
    for (const word of [TX_LOCK, RX_LOCK]) {
      let seen = Atomics.load(control, word);
      while ((seen & OWNER_MASK) === tag) {
        const was = Atomics.compareExchange(control, word, seen, 0);
        if (was === seen) break;
        seen = was;
      }
      Atomics.notify(control, word);
    }
    for (let i = 0; i < WAITER_CELLS; i++) Atomics.compareExchange(control, WAITERS + i, tag, 0);
    Atomics.notify(control, TAIL);
    Atomics.notify(control, HEAD);
  }

  // ---- waiting ----

  /**
   * Runs `attempt` until it stops returning WOULD_BLOCK: spin, nap, then park. A receiver parks
   * on TAIL with RX_SLEEP set in it, a sender on HEAD with TX_SLEEP; the flag is set before the
   * last attempt, so a commit after that attempt sees it, clears it and notifies, and a commit
   * before it is seen by the attempt. An attempt that finds the side's lock held (BUSY) parks on
   * the lock word until its holder releases it, or a repair frees it. Blocks the thread: never
   * called on a main thread (the callers check `onMain` first).
   */
  block(attempt: () => number, side: Side, deadline: number): number {
    let status = this.settle(attempt, side, deadline);
    if (status !== WOULD_BLOCK) return status;
    if (deadline <= performance.now()) return TIMED_OUT;
    // 1. Spin, polling less and less often: the other side is usually a few microseconds away,
    // and each poll takes the cache line it is writing away from it. A sender meanwhile waits
    // for some room rather than one slot: refilling each slot the moment the receiver frees it
    // puts HEAD's cache line, and the line of values the receiver is reading, on the other core
    // once per value (worker to main `for await`, medians of 9 interleaved runs: 81 -> 66-71 ns
    // a value). Past the spin any room will do, so a receiver that stopped after taking one
    // value still lets the send through.
    if (side === 'tx') this.needRoom = Math.min(LOW_WATER, Math.ceil(this.room / 4));
    try {
      for (let wait = PAUSE_MIN; wait <= PAUSE_MAX; wait *= 2) {
        pause(wait);
        status = this.settle(attempt, side, deadline);
        if (status !== WOULD_BLOCK) return status;
      }
    } finally {
      this.needRoom = 1;
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
      status = this.settle(attempt, side, deadline);
      if (status !== WOULD_BLOCK) return status;
    }
    if (performance.now() >= deadline) return TIMED_OUT;
    // 3. Park until notified.
    const flag = rx ? RX_SLEEP : TX_SLEEP;
    const rendezvous = rx && this.capacity === 0;
    let cell = -1;
    try {
      for (;;) {
        if (rendezvous && cell < 0) cell = this.enterWaiters();
        const seen = this.arm(word, flag);
        status = this.settle(attempt, side, deadline);
        if (status !== WOULD_BLOCK) return status;
        const left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        const limit = rendezvous && cell < 0 ? Math.min(left, WAITER_RETRY_MS) : left;
        Atomics.wait(control, word, seen, limit === Number.POSITIVE_INFINITY ? undefined : limit);
      }
    } finally {
      this.leaveWaiters(cell);
    }
  }

  /** One attempt for a blocking form, waiting out a side's lock held by another end. */
  private settle(attempt: () => number, side: Side, deadline: number): number {
    const word = side === 'rx' ? RX_LOCK : TX_LOCK;
    for (;;) {
      const status = attempt();
      if (status !== BUSY) return status;
      const armed = this.armLock(word);
      if (armed === 0) continue;
      const left = deadline - performance.now();
      if (left <= 0) return TIMED_OUT;
      Atomics.wait(this.control, word, armed, left === Number.POSITIVE_INFINITY ? undefined : left);
    }
  }

  /**
   * For a main thread's blocking form: retries an attempt that found the side's lock held, for
   * up to MAIN_LOCK_MS, without parking. Returns BUSY if the holder did not let go in time.
   */
  settleOnMain(attempt: () => number): number {
    let status = attempt();
    if (status !== BUSY) return status;
    const until = performance.now() + MAIN_LOCK_MS;
    do {
      pause(LOCK_PAUSE * LOCK_TRIES);
      status = attempt();
    } while (status === BUSY && performance.now() < until);
    return status;
  }

  /**
   * `block` for the main thread: awaits `Atomics.waitAsync`, holding the event loop open. Ends
   * with ABORTED once `signal` is aborted (nothing taken or sent after that).
   */
  async blockAsync(
    attempt: () => number,
    side: Side,
    deadline: number,
    signal?: AbortSignal | undefined,
  ): Promise<number> {
    const control = this.control;
    const rx = side === 'rx';
    const word = rx ? TAIL : HEAD;
    const lockWord = rx ? RX_LOCK : TX_LOCK;
    const flag = rx ? RX_SLEEP : TX_SLEEP;
    const rendezvous = rx && this.capacity === 0;
    const release = holdEventLoop();
    // An abort wakes every wait on the words this one may be parked on; the others look again.
    const onAbort = () => {
      Atomics.notify(control, word);
      Atomics.notify(control, lockWord);
    };
    signal?.addEventListener('abort', onAbort);
    this.asyncWaits++;
    let cell = -1;
    try {
      // First poll a little, as `block` spins: the other side is usually that close, and parking
      // costs this thread an event-loop round trip and the other side a notify for every batch
      // (worker sending one at a time to `recvManyAsync(4096)` on main: 52 -> 41 ns a value).
      if (!rx) this.needRoom = Math.min(LOW_WATER, Math.ceil(this.room / 4));
      try {
        for (let wait = PAUSE_MIN; wait <= PAUSE_MAX_ASYNC; wait *= 2) {
          pause(wait);
          if (signal?.aborted) return ABORTED;
          const status = attempt();
          if (status !== WOULD_BLOCK && status !== BUSY) return status;
        }
      } finally {
        this.needRoom = 1;
      }
      for (;;) {
        if (signal?.aborted) return ABORTED;
        if (rendezvous && cell < 0) cell = this.enterWaiters();
        let seen = this.arm(word, flag);
        let on = word;
        const status = attempt();
        if (status === BUSY) {
          seen = this.armLock(lockWord);
          if (seen === 0) continue;
          on = lockWord;
        } else if (status !== WOULD_BLOCK) return status;
        let left = deadline - performance.now();
        if (left <= 0) return TIMED_OUT;
        if (rendezvous && cell < 0) left = Math.min(left, WAITER_RETRY_MS);
        const wait = Atomics.waitAsync(
          control,
          on,
          seen,
          left === Number.POSITIVE_INFINITY ? undefined : left,
        );
        if (wait.async) await wait.value;
      }
    } finally {
      this.asyncWaits--;
      this.leaveWaiters(cell);
      signal?.removeEventListener('abort', onAbort);
      release();
    }
  }

  /**
   * Wakes this end's own pending `blockAsync` waits, after the end was closed or moved: their
   * next attempt sees that and fails, which releases the event loop. A wait parks on the word of
   * its side or on the side's lock, so this notifies both; others parked there look again.
   */
  wakeOwnWaits(side: Side): void {
    if (this.asyncWaits === 0) return;
    Atomics.notify(this.control, side === 'rx' ? TAIL : HEAD);
    Atomics.notify(this.control, side === 'rx' ? RX_LOCK : TX_LOCK);
  }
}
