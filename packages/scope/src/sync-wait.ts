// How the sync primitives wait: blocking (`Atomics.wait`, worker threads only) or async
// (`Atomics.waitAsync`, anywhere), always up to a deadline, and for the async forms until an
// AbortSignal fires or the task that started the wait ends.

import { offTaskEnd, onTaskEnd } from '@herd/shared';
import { holdEventLoop } from './keep-alive.js';

let sink = 0;
/** Busy work for `steps` steps, touching no shared memory (a spin between two looks). */
export function pause(steps: number): void {
  let x = sink;
  for (let i = 0; i < steps; i++) x = (x * 31 + i) | 0;
  sink = x;
}

/** Milliseconds left before `deadline` (a `performance.now()` time), or undefined for no limit. */
function leftUntil(deadline: number): number | undefined {
  if (deadline === Number.POSITIVE_INFINITY) return undefined;
  return Math.max(0, deadline - performance.now());
}

/**
 * Parks the thread on `words[index]` while it holds `value`, until notified or `deadline`.
 * Returns false once the deadline passed. Blocks: never called on a main thread.
 */
export function park(words: Int32Array, index: number, value: number, deadline: number): boolean {
  const left = leftUntil(deadline);
  if (left === 0) return false;
  return Atomics.wait(words, index, value, left) !== 'timed-out' || performance.now() < deadline;
}

/** Why an async wait stopped before it got what it waited for. */
export type Stop = 'aborted' | 'ended';

/**
 * One pending async wait: keeps the event loop alive while it is pending (a pending
 * `Atomics.waitAsync` does not, nodejs/node#61941), stops on `signal`, and stops when the task
 * that started it ends (in a runtime thread), so that nothing a finished task started still waits
 * to take a lock or to count as an arrival later.
 *
 * On a stop it calls `wake`, which notifies every word the wait may be parked on; the waiting
 * loop then sees `stopped` and gives up. A task's end cannot wait for that loop (the thread
 * reports the task over right after), so `onEnd` undoes at once, synchronously, what the wait has
 * put in shared memory; the loop must then leave it alone (see `ended`).
 */
export class AsyncWait {
  stopped: Stop | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #wake: () => void;
  readonly #onEnd: (() => void) | undefined;
  readonly #release: () => void;
  readonly #onAbort = () => this.#stop('aborted');

  constructor(signal: AbortSignal | undefined, wake: () => void, onEnd?: () => void) {
    this.#signal = signal;
    this.#wake = wake;
    this.#onEnd = onEnd;
    this.#release = holdEventLoop();
    signal?.addEventListener('abort', this.#onAbort);
    onTaskEnd(this, () => this.#stop('ended'));
    if (signal?.aborted) this.stopped = 'aborted';
  }

  /** Whether the wait stopped because its task ended (its `onEnd` already cleaned up). */
  get ended(): boolean {
    return this.stopped === 'ended';
  }

  /**
   * Awaits a notify on `words[index]` while it holds `value`, up to `deadline`. Returns false once
   * the deadline passed; true when woken (or the word no longer held `value`), or stopped.
   */
  async park(words: Int32Array, index: number, value: number, deadline: number): Promise<boolean> {
    if (this.stopped !== undefined) return true;
    const left = leftUntil(deadline);
    if (left === 0) return false;
    const wait = Atomics.waitAsync(words, index, value, left);
    const result = wait.async ? await wait.value : wait.value;
    return result !== 'timed-out' || performance.now() < deadline;
  }

  /** Ends the wait's hold on the event loop, the signal and the task. Idempotent. */
  finish(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    offTaskEnd(this);
    this.#release();
  }

  #stop(why: Stop): void {
    if (this.stopped !== undefined) return;
    this.stopped = why;
    if (why === 'ended') {
      this.#onEnd?.();
      this.finish();
    }
    this.#wake();
  }
}
