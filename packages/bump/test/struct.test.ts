import { describe, expect, it } from 'vitest';
import { Bump, struct } from '../src/index.js';
import { FixedArena } from './support/fixed-arena.js';

describe('struct', () => {
  it('should lay fields out in order, each aligned, the size rounded to the alignment', () => {
    const Point = struct({ x: 'f64', y: 'f64', id: 'u32', label: 'str' });
    expect(Point.offsets).toEqual({ x: 0, y: 8, id: 16, label: 20 });
    expect(Point.size).toBe(24);
    expect(Point.align).toBe(8);
    const Mixed = struct({ a: 'u8', b: 'u16', c: 'u8', d: 'i64', e: 'bool' });
    expect(Mixed.offsets).toEqual({ a: 0, b: 2, c: 4, d: 8, e: 16 });
    expect(Mixed.size).toBe(24);
    expect(struct({}).size).toBe(0);
    expect(struct({ a: 'u8', b: 'u8', c: 'u8' })).toMatchObject({ size: 3, align: 1 });
  });

  it('should read back every kind of field it writes', () => {
    const All = struct({
      u8: 'u8',
      i8: 'i8',
      u16: 'u16',
      i16: 'i16',
      u32: 'u32',
      i32: 'i32',
      f32: 'f32',
      f64: 'f64',
      u64: 'u64',
      i64: 'i64',
      flag: 'bool',
      next: 'ptr',
      name: 'str',
    });
    const bump = new Bump();
    const m = bump.memory;
    const p = All.alloc(bump);
    expect(p % All.align).toBe(0);
    All.set.u8(m, p, 255);
    All.set.i8(m, p, -128);
    All.set.u16(m, p, 65535);
    All.set.i16(m, p, -2);
    All.set.u32(m, p, 2 ** 32 - 1);
    All.set.i32(m, p, -(2 ** 31));
    All.set.f32(m, p, 0.25);
    All.set.f64(m, p, Math.PI);
    All.set.u64(m, p, 2n ** 64n - 1n);
    All.set.i64(m, p, -(2n ** 63n));
    All.set.flag(m, p, true);
    All.set.next(m, p, 1234);
    All.set.name(m, p, bump.allocStr('ünïcode'));
    expect(All.get.u8(m, p)).toBe(255);
    expect(All.get.i8(m, p)).toBe(-128);
    expect(All.get.u16(m, p)).toBe(65535);
    expect(All.get.i16(m, p)).toBe(-2);
    expect(All.get.u32(m, p)).toBe(2 ** 32 - 1);
    expect(All.get.i32(m, p)).toBe(-(2 ** 31));
    expect(All.get.f32(m, p)).toBe(0.25);
    expect(All.get.f64(m, p)).toBe(Math.PI);
    expect(All.get.u64(m, p)).toBe(2n ** 64n - 1n);
    expect(All.get.i64(m, p)).toBe(-(2n ** 63n));
    expect(All.get.flag(m, p)).toBe(true);
    expect(All.get.next(m, p)).toBe(1234);
    expect(All.get.name(m, p)).toBe('ünïcode');
    expect(m.dv.getFloat64(p + All.offsets.f64, true)).toBe(Math.PI);
  });

  it('should keep records apart and zero them on request', () => {
    const Pair = struct({ a: 'f64', b: 'u8' });
    const bump = new Bump({ chunkSize: 64 });
    const m = bump.memory;
    const ptrs = Array.from({ length: 200 }, (_, i) => {
      const p = Pair.alloc(bump);
      Pair.set.a(m, p, i);
      Pair.set.b(m, p, i & 0xff);
      return p;
    });
    ptrs.forEach((p, i) => {
      expect(Pair.get.a(m, p)).toBe(i);
      expect(Pair.get.b(m, p)).toBe(i & 0xff);
    });
    const z = Pair.allocZeroed(bump);
    expect(Pair.get.a(m, z)).toBe(0);
    const Named = struct({ name: 'str', ok: 'bool' });
    const n = Named.allocZeroed(bump);
    expect(Named.get.name(m, n)).toBe('');
    expect(Named.get.ok(m, n)).toBe(false);
  });

  it('should allocate arrays of records addressed with at()', () => {
    const Point = struct({ x: 'f32', y: 'f32' });
    const arena = new FixedArena(1 << 16, 256);
    const base = Point.allocArray(arena, 100);
    const m = arena.memory;
    for (let i = 0; i < 100; i++) Point.set.y(m, Point.at(base, i), i);
    expect(Point.get.y(m, Point.at(base, 99))).toBe(99);
    expect(Point.get.x(m, Point.at(base, 50))).toBe(0);
    expect(Point.at(base, 1) - base).toBe(8);
  });

  it('should reject bad layouts and counts naming them', () => {
    expect(() => struct(null as never)).toThrow(/fields must be an object/);
    expect(() => struct({ x: 'f128' } as never)).toThrow(/fields\.x must be one of .*"f128"/);
    expect(() => struct([] as never)).toThrow(TypeError);
    const P = struct({ x: 'f64' });
    expect(() => P.allocArray(new Bump(), -1)).toThrow(/count.*-1/);
    expect(() => P.allocZeroed({} as never)).toThrow(/arena/);
  });
});
