// How a source reaches the workers. A range is two numbers; a typed array over a
// SharedArrayBuffer is read in place; any other typed array, and a long array of numbers, is
// copied once into shared memory (one memcpy or one pass, instead of one structured clone per
// worker); other arrays are cloned to each worker taking part.
import { isTypedArray, show } from '@herd/shared';
import type { SourceWire } from './protocol.js';
import { Range } from './range.js';
import { builtInConstructor, toSharedView } from './shared-view.js';

/** Below this length cloning an array costs less than checking and packing it. */
const PACK_MIN_LENGTH = 2048;

/** A source as `par()` accepts it. */
export type Source = Range | ArrayLike<unknown>;

/** Fails at once when `par()` is given something it cannot iterate. */
export function checkSource(source: unknown): asserts source is Source {
  if (source instanceof Range || isTypedArray(source)) return;
  if (source !== null && typeof source === 'object') {
    const { length } = source as { length?: unknown };
    if (typeof length === 'number' && Number.isSafeInteger(length) && length >= 0) return;
  }
  throw new TypeError(
    `par: source must be a Range, an array, an array-like or a typed array, got ${show(source)}`,
  );
}

/**
 * What to post for a source.
 *
 * @example
 * ```ts
 * encodeSource(range(5, 10)); // { kind: 'range', start: 5 }
 * ```
 */
export function encodeSource(source: Source): SourceWire {
  if (source instanceof Range) return { kind: 'range', start: source.start };
  if (isTypedArray(source)) {
    if (source.buffer instanceof SharedArrayBuffer) return { kind: 'shared', view: toSharedView(source) };
    const Ctor = builtInConstructor(source);
    const copy = new Ctor(new SharedArrayBuffer(source.byteLength));
    copy.set(source);
    return { kind: 'shared', view: toSharedView(copy) };
  }
  const array = Array.isArray(source) ? source : Array.from(source);
  if (array.length >= PACK_MIN_LENGTH) {
    const packed = packNumbers(array);
    if (packed !== null) return { kind: 'shared', view: toSharedView(packed) };
  }
  return { kind: 'array', array };
}

function packNumbers(array: unknown[]): Float64Array | null {
  for (let i = 0; i < array.length; i++) if (typeof array[i] !== 'number') return null;
  const packed = new Float64Array(new SharedArrayBuffer(array.length * 8));
  for (let i = 0; i < array.length; i++) packed[i] = array[i] as number;
  return packed;
}
