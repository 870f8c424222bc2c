import {
  isTypedArray,
  isTypedArrayConstructor,
  show,
  type TypedArray,
  type TypedArrayConstructor,
} from '@herd/shared';
import { AllocError } from './errors.js';

/** Largest alignment an allocation may ask for: one page, as bumpalo's callers rarely need more. */
export const MAX_ALIGN = 4096;

/** Highest byte offset an arena may use: a Ptr must fit in a u32 and `pos + align - 1` must not wrap. */
export const MAX_ADDRESS = 2 ** 32 - MAX_ALIGN;

/** Checks a byte count: a non-negative integer no larger than `max`. */
export function checkSize(value: unknown, name: string, max: number, maxMeaning = ''): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${show(value)}`);
  }
  if (value > max) {
    throw new RangeError(`${name} must be at most ${max}${maxMeaning && ` (${maxMeaning})`}, got ${value}`);
  }
  return value;
}

/** Checks an alignment: a power of two from 1 to 4096. */
export function checkAlign(value: unknown, name = 'align'): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_ALIGN || (value & (value - 1)) !== 0) {
    throw new RangeError(`${name} must be a power of two from 1 to ${MAX_ALIGN}, got ${show(value)}`);
  }
  return value;
}

/**
 * Checks a Ptr an operation needs `bytes` bytes at: an integer from 1 (0 is the null Ptr) with the
 * bytes inside `memorySize`, aligned to `align`.
 */
export function checkPtr(value: unknown, name: string, memorySize: number, bytes = 0, align = 1): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number (a Ptr), got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer (a Ptr), got ${show(value)}`);
  }
  if (value === 0) throw new RangeError(`${name} is 0, the null Ptr: it points at no allocation`);
  if (value + bytes > memorySize) {
    throw new RangeError(
      `${name} ${value}${bytes > 0 ? ` + ${bytes} bytes` : ''} runs past the end of the memory (${memorySize} bytes)`,
    );
  }
  if (value % align !== 0) throw new RangeError(`${name} ${value} is not aligned to ${align} bytes`);
  return value;
}

/** Checks an element count for a slice of `bytesPerElement`-byte elements. */
export function checkLength(value: unknown, name: string, bytesPerElement: number, maxBytes: number): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${show(value)}`);
  }
  if (value * bytesPerElement > maxBytes) {
    throw new AllocError(
      `${name} of ${value} elements (${value * bytesPerElement} bytes) exceeds the arena's reservation of ${maxBytes} bytes`,
      value * bytesPerElement,
      null,
    );
  }
  return value;
}

/** Checks a typed array constructor such as `Float64Array`. */
export function checkCtor<T extends TypedArray>(value: unknown, name = 'Ctor'): TypedArrayConstructor<T> {
  if (!isTypedArrayConstructor(value)) {
    throw new TypeError(`${name} must be a typed array constructor such as Float64Array, got ${show(value)}`);
  }
  return value as unknown as TypedArrayConstructor<T>;
}

/** Checks a typed array value. */
export function checkTypedArray(value: unknown, name: string): TypedArray {
  if (!isTypedArray(value)) throw new TypeError(`${name} must be a typed array, got ${show(value)}`);
  return value;
}

/** Checks an optional limit: `null`, or a non-negative integer. */
export function checkLimit(value: unknown, name: string): number | null {
  if (value === null || value === undefined) return null;
  return checkSize(value, name, Number.MAX_SAFE_INTEGER);
}

/**
 * Checks that `value` is an arena (a `Bump`, a herd `Member`, any `Arena`). By shape rather than
 * `instanceof`, so an arena made by the other build (ESM or CJS) of this package is accepted.
 */
export function checkArena(value: unknown, name: string): void {
  const arena = value as { alloc?: unknown; grow?: unknown; memory?: { buffer?: unknown } } | null;
  if (
    arena === null ||
    typeof arena !== 'object' ||
    typeof arena.alloc !== 'function' ||
    typeof arena.grow !== 'function' ||
    typeof arena.memory?.buffer !== 'object'
  ) {
    throw new TypeError(`${name} must be an arena (a Bump or a herd Member), got ${show(value)}`);
  }
}
