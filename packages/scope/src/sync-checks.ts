// Options of the sync primitives' waits, checked: a TypeError or RangeError naming the option and
// showing the value.
import { show } from '@herd/shared';
import { checkTimeout } from './channel-checks.js';
import { AbortError } from './errors.js';

/**
 * Options of a blocking wait (worker threads): how long to wait at most. A blocking wait takes no
 * AbortSignal: its thread runs no event loop while it waits, so nothing could abort it.
 *
 * @example
 * ```ts
 * barrier.wait({ timeout: 1000 }); // TimeoutError after a second
 * ```
 */
export interface WaitOptions {
  /** Milliseconds to wait at most: then the wait throws `TimeoutError`. @defaultValue no limit */
  timeout?: number;
}

/**
 * Options of an async wait (anywhere): how long to wait at most, and a signal that stops it.
 *
 * @example
 * ```ts
 * await wg.waitAsync({ timeout: 1000, signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface WaitAsyncOptions extends WaitOptions {
  /** Stops waiting once aborted: the promise rejects with `AbortError` (`cause`: the signal's reason). */
  signal?: AbortSignal;
}

/** What a wait's options ask for. */
export interface Wait {
  deadline: number;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
}

const NO_LIMIT: Wait = { deadline: Number.POSITIVE_INFINITY, timeout: undefined, signal: undefined };

/**
 * Checks the options of a wait (the keys of its own, such as `ignorePoison`, are the method's to
 * check). `async` says whether a signal is allowed.
 */
export function checkWaitOptions(options: unknown, async: boolean, method: string): Wait {
  if (options === undefined) return NO_LIMIT;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${show(options)}`);
  }
  const { signal, timeout } = options as WaitAsyncOptions;
  if (signal !== undefined) {
    if (!async) {
      throw new TypeError(
        `${method} takes no signal: a blocking wait cannot see an abort (its thread runs no event loop meanwhile); use { timeout } or the async form`,
      );
    }
    if (!(signal instanceof AbortSignal)) {
      throw new TypeError(`options.signal must be an AbortSignal, got ${show(signal)}`);
    }
  }
  if (timeout !== undefined) checkTimeout(timeout, 'options.timeout');
  return {
    deadline: timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout,
    timeout,
    signal,
  };
}

/** The rejection of an async wait whose signal aborted. */
export function abortedWait(method: string, signal: AbortSignal | undefined): AbortError {
  return new AbortError(`${method} was aborted`, { cause: signal?.reason });
}

/** The rejection of an async wait whose task ended before it settled. */
export function endedWait(method: string): AbortError {
  return new AbortError(`${method} was stopped: the task that started it has ended`);
}
