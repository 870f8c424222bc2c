import { describe, expect, it } from 'vitest';
import { Bump, Memory } from '../src/index.js';

describe('Memory', () => {
  it('should keep every cached view correct when the arena grows', () => {
    const bump = new Bump({ chunkSize: 64 });
    const m = bump.memory;
    const p = bump.alloc(8);
    m.f64[p >>> 3] = 2.5;
    const before = m.f64;
    const q = bump.alloc(1 << 16);
    expect(m.f64).not.toBe(before);
    expect(m.f64[p >>> 3]).toBe(2.5);
    m.u64[q >>> 3] = 2n ** 64n - 1n;
    expect(m.i64[q >>> 3]).toBe(-1n);
    expect(m.u32[q >>> 2]).toBe(0xffffffff);
    expect(m.i32[q >>> 2]).toBe(-1);
    expect(m.u16[q >>> 1]).toBe(0xffff);
    expect(m.i16[q >>> 1]).toBe(-1);
    expect(m.u8[q]).toBe(0xff);
    expect(m.i8[q]).toBe(-1);
    m.f32[q >>> 2] = 0.5;
    expect(m.dv.getFloat32(q, true)).toBe(0.5);
    for (const view of [m.u8, m.i8, m.u16, m.i16, m.u32, m.i32, m.f32, m.f64, m.u64, m.i64, m.dv]) {
      expect(view.byteLength).toBe(
        m.buffer.byteLength - (m.buffer.byteLength % (view as Uint8Array).BYTES_PER_ELEMENT || 0),
      );
    }
  });

  it('should read a string by Ptr', () => {
    const bump = new Bump();
    const p = bump.allocStr('héllo');
    expect(bump.memory.str(p)).toBe('héllo');
    expect(bump.memory.strByteLength(p)).toBe(6);
  });

  it('should give a byte view and a typed view at a Ptr, sharing the memory', () => {
    const bump = new Bump();
    const p = bump.alloc(16);
    const bytes = bump.memory.bytes(p, 16);
    bytes[0] = 7;
    expect(bump.memory.u8[p]).toBe(7);
    const xs = bump.memory.view(Float64Array, p, 2);
    xs[1] = 3;
    expect(bump.memory.f64[(p >>> 3) + 1]).toBe(3);
    expect(bump.memory.view(BigInt64Array, p, 2)).toBeInstanceOf(BigInt64Array);
  });

  it('should work over a SharedArrayBuffer', () => {
    const m = new Memory(new SharedArrayBuffer(64));
    m.u32[4] = 3;
    m.u8.set([0x61, 0xc3, 0xa9], 20);
    expect(m.str(16)).toBe('aé');
  });

  it('should reject bad Ptrs, lengths and constructors naming them', () => {
    const bump = new Bump();
    const p = bump.alloc(16);
    const m = bump.memory;
    expect(() => m.str(p + 1)).toThrow(/ptr/);
    expect(() => m.str(-4)).toThrow(RangeError);
    expect(() => m.str('8' as never)).toThrow(TypeError);
    expect(() => m.str(m.buffer.byteLength)).toThrow(RangeError);
    m.u32[p >>> 2] = 1 << 30;
    expect(() => m.str(p)).toThrow(/runs past the memory/);
    expect(() => m.bytes(p, -1)).toThrow(/length.*-1/);
    expect(() => m.bytes(p, 1 << 30)).toThrow(RangeError);
    expect(() => m.view(Float64Array, p + 4, 1)).toThrow(/not aligned/);
    expect(() => m.view(Object as never, p, 1)).toThrow(/Ctor/);
    expect(() => m.strByteLength(3)).toThrow(/ptr/);
  });

  it.each([
    ['the null Ptr 0', 0, RangeError, /ptr is 0, the null Ptr: it points at no string/],
    ['a bigint', 16n, TypeError, /ptr must be a number \(a Ptr\), got 16n/],
    ['undefined', undefined, TypeError, /ptr must be a number \(a Ptr\), got undefined/],
    ['null', null, TypeError, /ptr must be a number \(a Ptr\), got null/],
    ['NaN', Number.NaN, RangeError, /ptr NaN is not a valid Ptr/],
    ['a string', '16', TypeError, /ptr must be a number \(a Ptr\), got "16"/],
    ['an unaligned Ptr', 17, RangeError, /ptr 17 is not a string's Ptr: allocStr returns 4-aligned Ptrs/],
  ])('should reject %s in str and strByteLength, naming ptr', (_, ptr, errorClass, message) => {
    const bump = new Bump();
    bump.allocStr('x');
    const m = bump.memory;
    for (const call of [() => m.str(ptr as number), () => m.strByteLength(ptr as number)]) {
      expect(call).toThrow(errorClass);
      expect(call).toThrow(message);
    }
  });

  it.each([
    ['undefined', undefined, /got undefined/],
    ['null', null, /got null/],
    ['a typed array', new Uint8Array(8), /got an instance of Uint8Array/],
    ['a number', 64, /got 64/],
    ['a bigint', 64n, /got 64n/],
  ])('should reject a buffer that is %s with a TypeError naming buffer', (_, buffer, message) => {
    expect(() => new Memory(buffer as never)).toThrow(TypeError);
    expect(() => new Memory(buffer as never)).toThrow(/buffer must be an ArrayBuffer or a SharedArrayBuffer/);
    expect(() => new Memory(buffer as never)).toThrow(message);
  });
});
