/** Thrown when a case's setup, run or teardown does not settle in time. */
export class StepTimeoutError extends Error {
  constructor(step: string, ms: number) {
    super(`${step} did not finish within ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Waits for `promise` and returns `performance.now()` taken the moment it fulfilled, so the
 * timer set up here adds nothing to the measured time. Rejects if it takes longer than `ms`:
 * a deadlocked worker must fail its case, not hang the suite.
 */
export function settledAt(promise: PromiseLike<unknown>, ms: number, step: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StepTimeoutError(step, ms)), ms);
    promise.then(
      () => {
        const end = performance.now();
        clearTimeout(timer);
        resolve(end);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Calls an optional hook and waits for it, within `ms`. */
export async function callWithin(hook: (() => unknown) | undefined, ms: number, step: string): Promise<void> {
  if (!hook) return;
  const result = hook();
  if (isThenable(result)) await settledAt(result, ms, step);
}
