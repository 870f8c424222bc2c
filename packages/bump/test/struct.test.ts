import { describe, expect, it } from 'vitest';
import { AllocError, Bump, struct } from '../src/index.js';
import { EveryKind } from './support/every-kind.js';
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
    const All = EveryKind;
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

  it('should name the arena when alloc is given something else, and pass other errors through', () => {
    const P = struct({ x: 'f64' });
    expect(() => P.alloc(null as never)).toThrow(TypeError);
    expect(() => P.alloc(null as never)).toThrow(
      /arena must be an arena \(a Bump or a herd Member\), got null/,
    );
    expect(() => P.alloc(undefined as never)).toThrow(/arena must be an arena.*got undefined/);
    expect(() => P.alloc({} as never)).toThrow(/arena must be an arena/);
    const full = new Bump({ allocationLimit: 0 });
    expect(() => P.alloc(full)).toThrow(AllocError);
  });

  describe('accessors', () => {
    const All = struct({ f: 'f64', n: 'u32', big: 'u64', flag: 'bool', next: 'ptr', name: 'str' });
    const setup = () => {
      const bump = new Bump();
      return { m: bump.memory, p: All.allocZeroed(bump) };
    };

    it.each([
      ['undefined', undefined, TypeError, /p must be a number \(a record's Ptr\), got undefined/],
      ['null', null, TypeError, /p must be a number.*got null/],
      ['a bigint', 16n, TypeError, /p must be a number.*got 16n/],
      ['a string', '16', TypeError, /p must be a number.*got "16"/],
      ['NaN', Number.NaN, RangeError, /p must be a positive number \(a record's Ptr\), got NaN/],
      ['negative', -8, RangeError, /p must be a positive number.*got -8/],
      ['0, the null Ptr', 0, RangeError, /p is 0, the null Ptr: it points at no record/],
    ])(
      'should reject a record Ptr that is %s in every getter and setter, writing nothing',
      (_, bad, errorClass, message) => {
        const { m } = setup();
        const before = m.u8.slice();
        const values = { f: 1.5, n: 1, big: 1n, flag: true, next: 16, name: 0 } as const;
        for (const name of Object.keys(All.fields) as (keyof typeof values)[]) {
          expect(() => All.get[name](m, bad as number)).toThrow(errorClass);
          expect(() => All.get[name](m, bad as number)).toThrow(message);
          expect(() => All.set[name](m, bad as number, values[name] as never)).toThrow(message);
        }
        expect(m.u8).toEqual(before);
      },
    );

    it.each([
      ['f', undefined, /value must be a number for a f64 field, got undefined/],
      ['f', 1n, /value must be a number for a f64 field, got 1n/],
      ['f', '1.5', /value must be a number for a f64 field, got "1\.5"/],
      ['n', null, /value must be a number for a u32 field, got null/],
      ['big', 1, /value must be a bigint for a u64 field, got 1/],
      ['flag', 1, /value must be a boolean for a bool field, got 1/],
      ['next', -1, /value must be a Ptr \(a number from 0 to 2\^32 - 1\) for a ptr field, got -1/],
      ['name', 2 ** 32, /value must be a Ptr.*for a str field, got 4294967296/],
      ['name', Number.NaN, /value must be a Ptr.*for a str field, got NaN/],
      ['name', undefined, /value must be a Ptr.*for a str field, got undefined/],
    ])(
      'should reject a value of the wrong type for field %s (%s), writing nothing',
      (name, value, message) => {
        const { m, p } = setup();
        const before = m.u8.slice();
        expect(() => All.set[name as 'f'](m, p, value as never)).toThrow(TypeError);
        expect(() => All.set[name as 'f'](m, p, value as never)).toThrow(message);
        expect(m.u8).toEqual(before);
      },
    );

    it('should reject bad arguments to at() naming them', () => {
      const P = struct({ x: 'f64' });
      expect(() => P.at(64, 1.5)).toThrow(/index must be a non-negative integer, got 1\.5/);
      expect(() => P.at(64, -1)).toThrow(/index must be a non-negative integer, got -1/);
      expect(() => P.at(64, 1n as never)).toThrow(/index must be a number, got 1n/);
      expect(() => P.at(64, undefined as never)).toThrow(/index must be a number, got undefined/);
      expect(() => P.at(8n as never, 1)).toThrow(/base must be a number \(a Ptr\), got 8n/);
      expect(() => P.at(undefined as never, 1)).toThrow(/base must be a number.*got undefined/);
      expect(() => P.at(0, 1)).toThrow(/base is 0, the null Ptr/);
      expect(() => P.at(2 ** 32 - 8, 2)).toThrow(/runs past 2\^32 - 1/);
      expect(P.at(64, 3)).toBe(88);
    });
  });
});
