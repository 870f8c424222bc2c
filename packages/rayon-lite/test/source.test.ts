import { describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';
import { range } from '../src/range.js';
import { fromSharedView } from '../src/shared-view.js';
import { encodeSource } from '../src/source.js';

describe('encodeSource', () => {
  it('should send a range as its start only', () => {
    expect(encodeSource(range(5, 10))).toEqual({ kind: 'range', start: 5 });
  });

  it('should pass a typed array over a SharedArrayBuffer as is, to be read in place', () => {
    const shared = new Float32Array(new SharedArrayBuffer(64), 16, 4);
    const wire = encodeSource(shared);
    expect(wire.kind).toBe('shared');
    // In parts, remade in the worker: a view of a 4 GiB buffer would arrive empty on Node 20.
    expect(wire.kind === 'shared' && wire.view).toEqual({
      buffer: shared.buffer,
      byteOffset: 16,
      length: 4,
      kind: 'Float32Array',
    });
  });

  it('should copy a typed array over an ordinary buffer into shared memory once', () => {
    const local = Uint16Array.from([1, 2, 3]);
    const wire = encodeSource(local);
    expect(wire.kind).toBe('shared');
    const array = fromSharedView((wire as unknown as { view: never }).view) as Uint16Array;
    expect(array).toBeInstanceOf(Uint16Array);
    expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(array)).toEqual([1, 2, 3]);
  });

  it('should copy a Buffer into a plain Uint8Array, not through the deprecated Buffer constructor', ({
    skip,
  }) => {
    skip(!withNodeApis, "Node's Buffer");
    const wire = encodeSource(Buffer.from([1, 2, 3]));
    const array = fromSharedView((wire as unknown as { view: never }).view) as Uint8Array;
    // `new Buffer(sab)` would print DEP0005 and make a Buffer.
    expect(Object.getPrototypeOf(array)).toBe(Uint8Array.prototype);
    expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(array)).toEqual([1, 2, 3]);
  });

  it('should copy a typed array subclass with its own constructor into the built-in class', () => {
    class Points extends Float64Array {
      constructor(xs: number[]) {
        super(xs.length);
        this.set(xs);
      }
    }
    const wire = encodeSource(new Points([0.5, 1.5, 2.5]));
    const array = fromSharedView((wire as unknown as { view: never }).view) as Float64Array;
    expect(Object.getPrototypeOf(array)).toBe(Float64Array.prototype);
    expect(Array.from(array)).toEqual([0.5, 1.5, 2.5]);
  });

  it('should pack a long array of numbers and clone anything else', () => {
    const numbers = Array.from({ length: 5000 }, (_, i) => i);
    expect(encodeSource(numbers).kind).toBe('shared');
    expect(encodeSource([...numbers, 'x']).kind).toBe('array');
    expect(encodeSource([1, 2, 3])).toEqual({ kind: 'array', array: [1, 2, 3] });
  });
});
