import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocError, Bump, BumpVec } from '../src/index.js';
import { FixedArena } from './support/fixed-arena.js';

describe('BumpVec', () => {
  it('should push, get, set, pop and report its length', () => {
    const xs = new BumpVec(new Bump(), Float64Array);
    expect(xs.length).toBe(0);
    expect(xs.capacity).toBe(0);
    expect(xs.ptr).toBe(0);
    expect(xs.push(1.5)).toBe(1);
    xs.push(2.5);
    xs.set(0, 7);
    expect(xs.get(0)).toBe(7);
    expect(xs.get(1)).toBe(2.5);
    expect(xs.pop()).toBe(2.5);
    expect(xs.pop()).toBe(7);
    expect(xs.pop()).toBeUndefined();
    expect(xs.length).toBe(0);
  });

  it('should store its elements at ptr in the arena memory', () => {
    const bump = new Bump();
    const xs = new BumpVec(bump, Uint32Array);
    xs.extend([10, 20, 30]);
    expect(bump.memory.u32[(xs.ptr >>> 2) + 2]).toBe(30);
    expect(xs.asView()).toEqual(new Uint32Array([10, 20, 30]));
    expect(xs.asView().buffer).toBe(bump.memory.buffer);
  });

  it('should grow in place while it is the newest allocation', () => {
    const bump = new Bump();
    const xs = new BumpVec(bump, Int32Array);
    xs.push(1);
    const ptr = xs.ptr;
    for (let i = 2; i <= 100; i++) xs.push(i);
    expect(xs.ptr).toBe(ptr);
    expect(xs.capacity).toBeGreaterThanOrEqual(100);
    expect([...xs]).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('should move, keeping its elements, when something was allocated after it', () => {
    const bump = new Bump();
    const xs = new BumpVec(bump, Float64Array, 4);
    xs.extend([1, 2, 3, 4]);
    const ptr = xs.ptr;
    const other = bump.alloc(8);
    bump.memory.f64[other >>> 3] = 99;
    xs.push(5);
    expect(xs.ptr).not.toBe(ptr);
    expect([...xs]).toEqual([1, 2, 3, 4, 5]);
    expect(bump.memory.f64[other >>> 3]).toBe(99);
  });

  it('should hold every typed array kind, bigints included', () => {
    const bump = new Bump();
    const big = new BumpVec(bump, BigInt64Array);
    big.extend([-1n, 2n ** 62n]);
    expect([...big]).toEqual([-1n, 2n ** 62n]);
    const bytes = new BumpVec(bump, Uint8ClampedArray);
    bytes.push(300);
    expect(bytes.get(0)).toBe(255);
  });

  it('should reserve, truncate and clear', () => {
    const xs = new BumpVec(new Bump(), Uint16Array);
    xs.reserve(50);
    expect(xs.capacity).toBeGreaterThanOrEqual(50);
    xs.extend(new Uint16Array([1, 2, 3]));
    xs.truncate(5);
    expect(xs.length).toBe(3);
    xs.truncate(1);
    expect([...xs]).toEqual([1]);
    xs.clear();
    expect(xs.length).toBe(0);
    expect(xs.capacity).toBeGreaterThanOrEqual(50);
  });

  it('should reject bad input naming the parameter and leave the vector as it was', () => {
    const bump = new Bump();
    const xs = new BumpVec(bump, Float64Array);
    xs.push(1);
    expect(() => new BumpVec({} as never, Float64Array)).toThrow(/arena must be an arena/);
    expect(() => new BumpVec(bump, Array as never)).toThrow(/Ctor/);
    expect(() => new BumpVec(bump, Float64Array, -1)).toThrow(/capacity.*-1/);
    expect(() => xs.push('2' as never)).toThrow(/value must be a number.*"2"/);
    expect(() => new BumpVec(bump, BigInt64Array).push(1 as never)).toThrow(/value must be a bigint/);
    expect(() => xs.get(1)).toThrow(/index must be an integer from 0 to 0, got 1/);
    expect(() => xs.get(-1)).toThrow(RangeError);
    expect(() => xs.get(0.5)).toThrow(RangeError);
    expect(() => xs.set(3, 1)).toThrow(/index/);
    expect(() => xs.get('0' as never)).toThrow(TypeError);
    expect(() => xs.get(0n as never)).toThrow(/index must be a number, got 0n/);
    expect(() => xs.set(0n as never, 1)).toThrow(/index must be a number, got 0n/);
    expect(() => xs.get(undefined as never)).toThrow(/index must be a number, got undefined/);
    expect(() => xs.set(0, undefined as never)).toThrow(/value must be a number.*undefined/);
    expect(() => xs.reserve(2n as never)).toThrow(/additional must be a number, got 2n/);
    expect(() => xs.truncate(null as never)).toThrow(/length must be a number, got null/);
    expect(() => xs.extend(5 as never)).toThrow(/values/);
    expect([...xs]).toEqual([1]);
  });

  it('should stay as it was when growing hits the allocation limit', () => {
    const bump = new Bump({ chunkSize: 64, allocationLimit: 64 });
    const xs = new BumpVec(bump, Float64Array);
    let error: unknown;
    try {
      for (let i = 0; i < 100; i++) xs.push(i);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AllocError);
    expect([...xs]).toEqual(Array.from({ length: xs.length }, (_, i) => i));
    expect(xs.length).toBeGreaterThan(0);
  });

  it('should work on an arena that is not a Bump, across chunks', () => {
    const arena = new FixedArena(1 << 16, 128);
    const xs = new BumpVec(arena, Float64Array);
    const ys = new BumpVec(arena, Uint8Array);
    for (let i = 0; i < 500; i++) {
      xs.push(i / 2);
      ys.push(i & 0xff);
    }
    expect(arena.chunks).toBeGreaterThan(1);
    expect([...xs]).toEqual(Array.from({ length: 500 }, (_, i) => i / 2));
    expect([...ys]).toEqual(Array.from({ length: 500 }, (_, i) => i & 0xff));
  });

  it('should behave like an array under any sequence of pushes, pops and sets', () => {
    type Op =
      | { kind: 'push'; value: number }
      | { kind: 'pop' }
      | { kind: 'set'; index: number; value: number }
      | { kind: 'alloc' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('set' as const), index: fc.nat(200), value: fc.integer() }),
      fc.record({ kind: fc.constant('alloc' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const bump = new Bump({ chunkSize: 64 });
        const xs = new BumpVec(bump, Int32Array);
        const model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            xs.push(o.value | 0);
            model.push(o.value | 0);
          } else if (o.kind === 'pop') {
            expect(xs.pop()).toBe(model.pop());
          } else if (o.kind === 'set') {
            if (o.index < model.length) {
              xs.set(o.index, o.value | 0);
              model[o.index] = o.value | 0;
            } else expect(() => xs.set(o.index, 0)).toThrow(RangeError);
          } else {
            const p = bump.alloc(24, 1);
            bump.memory.u8.fill(0xab, p, p + 24);
          }
          expect(xs.length).toBe(model.length);
        }
        expect([...xs]).toEqual(model);
        expect([...xs.asView()]).toEqual(model);
      }),
    );
  });
});
