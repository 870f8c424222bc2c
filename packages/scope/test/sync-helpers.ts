// Helpers of the sync primitives' tests.
import { CROSSING, type Crossable } from '../src/runtime/crossing.js';

/** The shared words of a primitive, reached the way a thread gets them: through its crossing. */
export function wordsOf(primitive: unknown): Int32Array {
  const { data } = (primitive as Crossable)[CROSSING]();
  return new Int32Array((data as { buffer: SharedArrayBuffer }).buffer);
}

/** Resolves once `cells[index] >= atLeast` (the main thread may not block: it polls). */
export async function reached(cells: Int32Array, index: number, atLeast: number): Promise<void> {
  while (Atomics.load(cells, index) < atLeast) await new Promise((resolve) => setTimeout(resolve, 1));
}

export const pending = Symbol('pending');

/** What `promise` settled with within a few event-loop turns, or `pending`. */
export async function soon<T>(promise: Promise<T>): Promise<T | typeof pending> {
  return Promise.race([promise, new Promise<typeof pending>((r) => setTimeout(() => r(pending), 20))]);
}

/** How `promise` settles: its value, or the error it rejected with. */
export function outcome<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.then(
    (value) => value,
    (error: Error) => error,
  );
}

/**
 * Resolves once `ready()` holds, or after `ms` milliseconds (a property test then fails with a
 * counterexample, instead of hanging until the test's timeout).
 */
export async function settled(ready: () => boolean, ms = 2000): Promise<boolean> {
  const limit = performance.now() + ms;
  while (!ready()) {
    if (performance.now() > limit) return false;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return true;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A thread id no thread of this process has. */
let nextDeadId = 5000;
export function deadThreadId(): number {
  return nextDeadId++;
}
