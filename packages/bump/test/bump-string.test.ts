import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocError, Bump, BumpString } from '../src/index.js';
import { FixedArena } from './support/fixed-arena.js';

const throughUtf8 = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));

describe('BumpString', () => {
  it('should build a string readable by memory.str at any moment', () => {
    const bump = new Bump();
    const s = new BumpString(bump);
    expect(bump.memory.str(s.ptr)).toBe('');
    s.push('Hello, ').push('wörld');
    expect(s.toString()).toBe('Hello, wörld');
    expect(bump.memory.str(s.ptr)).toBe('Hello, wörld');
    expect(s.byteLength).toBe(13);
  });

  it('should finish with a Ptr that reads back and give back spare room', () => {
    const bump = new Bump();
    const s = new BumpString(bump, 100);
    s.push('abc');
    const p = s.finish();
    expect(bump.memory.str(p)).toBe('abc');
    expect(s.capacity).toBe(3);
    expect(bump.alloc(1, 1)).toBe(p + 7);
    s.push('def');
    expect(bump.memory.str(s.ptr)).toBe('abcdef');
  });

  it('should grow in place while newest and move otherwise, keeping the text', () => {
    const bump = new Bump();
    const s = BumpString.from(bump, 'start');
    const first = s.ptr;
    s.push('x'.repeat(100));
    expect(s.ptr).toBe(first);
    bump.alloc(8);
    s.push('é'.repeat(100));
    expect(s.ptr).not.toBe(first);
    expect(s.toString()).toBe(`start${'x'.repeat(100)}${'é'.repeat(100)}`);
  });

  it('should clear and reuse its room', () => {
    const s = BumpString.from(new Bump(), 'something');
    s.clear();
    expect(s.toString()).toBe('');
    s.push('new');
    expect(s.toString()).toBe('new');
  });

  it('should reject bad input naming the parameter and stay as it was', () => {
    const bump = new Bump();
    const s = BumpString.from(bump, 'ok');
    expect(() => s.push(3 as never)).toThrow(/s must be a string, got 3/);
    expect(() => new BumpString(null as never)).toThrow(/arena/);
    expect(() => new BumpString(bump, 1.5)).toThrow(/capacity.*1\.5/);
    expect(() => BumpString.from(bump, {} as never)).toThrow(TypeError);
    expect(s.toString()).toBe('ok');
  });

  it('should stay as it was when growing hits the allocation limit', () => {
    const bump = new Bump({ chunkSize: 64, allocationLimit: 64 });
    const s = BumpString.from(bump, 'abc');
    expect(() => s.push('z'.repeat(100))).toThrow(AllocError);
    expect(s.toString()).toBe('abc');
  });

  it('should work on an arena that is not a Bump', () => {
    const arena = new FixedArena(1 << 16, 64);
    const s = new BumpString(arena);
    for (let i = 0; i < 50; i++) s.push(`${i},`);
    expect(arena.memory.str(s.finish())).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
  });

  it('should equal the concatenation of its pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 40 }),
        fc.boolean(),
        (pieces, interleave) => {
          const bump = new Bump({ chunkSize: 32 });
          const s = new BumpString(bump);
          for (const piece of pieces) {
            s.push(piece);
            if (interleave) bump.alloc(4);
          }
          const expected = throughUtf8(pieces.join(''));
          expect(s.toString()).toBe(expected);
          expect(bump.memory.str(s.finish())).toBe(expected);
        },
      ),
    );
  });
});
