import { show } from '@herd/shared';
// Argument checks of the channel methods: a TypeError or RangeError naming the parameter and
// showing the value (a bigint as `10n`, a string quoted).
import type { NumberArray } from './channel-core.js';

export function checkValue(value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`value must be a number (a Ptr), got ${show(value)}`);
}

/** `values` of `sendMany`: a typed array of numbers, or an array-like of numbers only. */
export function checkValues(values: unknown): asserts values is ArrayLike<number> {
  if (ArrayBuffer.isView(values)) {
    if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array) {
      throw new TypeError(
        `values must be an array or typed array of numbers, got a ${values.constructor.name}`,
      );
    }
    return;
  }
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as ArrayLike<unknown>).length !== 'number'
  ) {
    throw new TypeError(`values must be an array or typed array of numbers, got ${show(values)}`);
  }
  const list = values as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number') {
      throw new TypeError(`values[${i}] must be a number (a Ptr), got ${show(list[i])}`);
    }
  }
}

/** `into` of `recvMany`: a numeric typed array with room for at least one value. */
export function checkInto(into: unknown): asserts into is NumberArray {
  if (
    !ArrayBuffer.isView(into) ||
    into instanceof DataView ||
    into instanceof BigInt64Array ||
    into instanceof BigUint64Array
  ) {
    const what = ArrayBuffer.isView(into) ? `a ${into.constructor.name}` : show(into);
    throw new TypeError(`into must be a numeric typed array (a Float64Array, a Uint32Array...), got ${what}`);
  }
  if ((into as NumberArray).length === 0) {
    throw new RangeError('into must have room for at least one value, got an empty array');
  }
}

export function checkTimeout(ms: unknown, name = 'ms'): asserts ms is number {
  if (typeof ms !== 'number') throw new TypeError(`${name} must be a number, got ${show(ms)}`);
  if (Number.isNaN(ms) || ms < 0) throw new RangeError(`${name} must be a number >= 0, got ${show(ms)}`);
}

/**
 * Options of the async receive forms.
 *
 * @example
 * ```ts
 * const n = await rx.recvAsync({ timeout: 100 });
 * const k = await rx.recvManyAsync(new Float64Array(64), { signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface RecvOptions {
  /** Stops waiting once aborted: the promise rejects with `AbortError` (`cause`: the signal's reason). */
  signal?: AbortSignal;
  /** Milliseconds to wait at most: then the promise rejects with `TimeoutError`. @defaultValue no limit */
  timeout?: number;
}

/** Checks `options` and returns the deadline and signal it asks for. */
export function checkRecvOptions(options: unknown): { deadline: number; signal: AbortSignal | undefined } {
  if (options === undefined) return { deadline: Number.POSITIVE_INFINITY, signal: undefined };
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object, got ${show(options)}`);
  }
  const { signal, timeout } = options as RecvOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${show(signal)}`);
  }
  if (timeout !== undefined) checkTimeout(timeout, 'options.timeout');
  return {
    deadline: timeout === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeout,
    signal,
  };
}
