import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withNodeApis } from '../../../scripts/test-runtime.js';
import { NO_CHUNK_POS } from '../src/arena.js';
import { AllocError, Bump } from '../src/index.js';
import { positionOf } from './support/arena-position.js';

/** Everything observable about an arena's state, to show that a failed call changed nothing. */
function snapshot(bump: Bump) {
  return {
    ...positionOf(bump),
    allocatedBytes: bump.allocatedBytes(),
    metadata: bump.allocatedBytesIncludingMetadata(),
    capacity: bump.chunkCapacity(),
    chunks: [...bump.allocatedChunks()].map((c) => [c.byteOffset, c.length]),
  };
}

describe('Bump', () => {
  describe('constructor', () => {
    it('should hold no chunk until the first allocation', () => {
      const bump = new Bump();
      expect(bump.allocatedBytes()).toBe(0);
      expect(bump.chunkCapacity()).toBe(0);
      expect([...bump.allocatedChunks()]).toEqual([]);
      expect(positionOf(bump).pos).toBe(NO_CHUNK_POS);
    });

    it('should take the first chunk of chunkSize bytes', () => {
      const bump = new Bump({ chunkSize: 1000 });
      bump.alloc(1);
      expect(bump.allocatedBytes()).toBe(1008);
    });

    it('should reject bad options naming the option and the value', () => {
      expect(() => new Bump(null as never)).toThrow(TypeError);
      expect(() => new Bump({ chunkSize: -1 })).toThrow(/options\.chunkSize.*-1/);
      expect(() => new Bump({ chunkSize: 8 })).toThrow(RangeError);
      expect(() => new Bump({ chunkSize: 1.5 })).toThrow(/options\.chunkSize.*1\.5/);
      expect(() => new Bump({ maxBytes: 2 ** 33 })).toThrow(/options\.maxBytes/);
      expect(() => new Bump({ allocationLimit: Number.NaN })).toThrow(/options\.allocationLimit.*NaN/);
      expect(() => new Bump({ allocationLimit: '10' as never })).toThrow(TypeError);
    });

    it.each([
      ['a bigint', 5n, /options must be an object, got 5n/],
      ['a string', 'big', /options must be an object, got "big"/],
      ['null', null, /options must be an object, got null/],
      ['a null chunkSize', { chunkSize: null }, /options\.chunkSize must be a number, got null/],
      ['a bigint chunkSize', { chunkSize: 4096n }, /options\.chunkSize must be a number, got 4096n/],
      ['a null maxBytes', { maxBytes: null }, /options\.maxBytes must be a number, got null/],
      ['a bigint maxBytes', { maxBytes: 2n ** 20n }, /options\.maxBytes must be a number, got 1048576n/],
      [
        'a bigint allocationLimit',
        { allocationLimit: 10n },
        /options\.allocationLimit must be a number, got 10n/,
      ],
    ])('should reject options that are %s with a TypeError naming them', (_, options, message) => {
      expect(() => new Bump(options as never)).toThrow(TypeError);
      expect(() => new Bump(options as never)).toThrow(message);
    });
  });

  describe('withCapacity', () => {
    it('should take a first chunk of at least the capacity at once', () => {
      const bump = Bump.withCapacity(100_000);
      expect(bump.chunkCapacity()).toBeGreaterThanOrEqual(100_000);
      expect(bump.allocatedBytes()).toBeGreaterThanOrEqual(100_000);
      const before = bump.allocatedBytes();
      bump.alloc(100_000, 1);
      expect(bump.allocatedBytes()).toBe(before);
    });

    it('should make an empty arena for capacity 0', () => {
      expect(Bump.withCapacity(0).chunkCapacity()).toBe(0);
    });

    it('should reject a capacity over the limit with AllocError', () => {
      expect(() => Bump.withCapacity(1 << 20, { allocationLimit: 1024 })).toThrow(AllocError);
    });

    it('should reject a bad capacity naming it', () => {
      expect(() => Bump.withCapacity(-5)).toThrow(/bytes.*-5/);
      expect(() => Bump.withCapacity('5' as never)).toThrow(TypeError);
      expect(() => Bump.withCapacity(5n as never)).toThrow(/bytes must be a number, got 5n/);
      expect(() => Bump.withCapacity(undefined as never)).toThrow(/bytes must be a number, got undefined/);
    });

    it('should reject bad options naming them', () => {
      expect(() => Bump.withCapacity(64, null as never)).toThrow(/options must be an object, got null/);
      expect(() => Bump.withCapacity(64, { maxBytes: 8n } as never)).toThrow(
        /options\.maxBytes must be a number, got 8n/,
      );
      expect(() => Bump.withCapacity(64, { maxBytes: 'a lot' } as never)).toThrow(TypeError);
    });
  });

  describe('alloc', () => {
    it('should return distinct aligned Ptrs, never 0', () => {
      const bump = new Bump();
      const a = bump.alloc(3, 1);
      const b = bump.alloc(16);
      const c = bump.alloc(2, 2);
      const d = bump.alloc(1, 64);
      expect(a).toBeGreaterThan(0);
      expect(b % 8).toBe(0);
      expect(b).toBeGreaterThanOrEqual(a + 3);
      expect(c).toBeGreaterThanOrEqual(b + 16);
      expect(c % 2).toBe(0);
      expect(d % 64).toBe(0);
    });

    it('should default the alignment to 8', () => {
      const bump = new Bump();
      bump.alloc(1, 1);
      expect(bump.alloc(8) % 8).toBe(0);
    });

    it('should allow zero-sized allocations', () => {
      const bump = new Bump();
      const p = bump.alloc(0);
      expect(p).toBeGreaterThan(0);
      expect(bump.alloc(0)).toBe(p);
    });

    it('should keep written data through later allocations and growth', () => {
      const bump = new Bump({ chunkSize: 64 });
      const m = bump.memory;
      const ptrs: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const p = bump.alloc(16);
        m.f64[p >>> 3] = i;
        m.f64[(p >>> 3) + 1] = -i;
        ptrs.push(p);
      }
      ptrs.forEach((p, i) => {
        expect(m.f64[p >>> 3]).toBe(i);
        expect(m.f64[(p >>> 3) + 1]).toBe(-i);
      });
    });

    it('should throw AllocError, a RangeError naming size, for a size over the whole reservation', () => {
      const bump = new Bump({ maxBytes: 2 ** 16 });
      expect(() => bump.alloc(2 ** 17)).toThrow(AllocError);
      expect(() => bump.alloc(2 ** 40)).toThrow(/size must be at most/);
      expect(new AllocError('x', 1, null)).toBeInstanceOf(RangeError);
      expect(bump.tryAlloc(2 ** 40)).toBeNull();
      expect(() => bump.allocSlice(Float64Array, 2 ** 20)).toThrow(AllocError);
      expect(bump.allocatedBytes()).toBe(0);
    });

    it.each([
      ['negative', -1, RangeError],
      ['fractional', 1.5, RangeError],
      ['NaN', Number.NaN, RangeError],
      ['Infinity', Number.POSITIVE_INFINITY, RangeError],
      ['a string', '8', TypeError],
      ['a bigint', 8n, TypeError],
      ['undefined', undefined, TypeError],
      ['null', null, TypeError],
      ['over the reservation', 2 ** 31, RangeError],
    ])('should reject a size that is %s with an error naming size', (_, size, errorClass) => {
      const bump = new Bump({ maxBytes: 2 ** 20 });
      bump.alloc(8);
      const before = snapshot(bump);
      expect(() => bump.alloc(size as number)).toThrow(errorClass);
      expect(() => bump.alloc(size as number)).toThrow(/size/);
      expect(() => bump.allocZeroed(size as number)).toThrow(/size/);
      // tryAlloc answers null for any size no arena room could hold, as bumpalo's try_alloc does;
      // input that is not a size at all is still an error.
      if (size === 2 ** 31) expect(bump.tryAlloc(size)).toBeNull();
      else expect(() => bump.tryAlloc(size as number)).toThrow(errorClass);
      expect(snapshot(bump)).toEqual(before);
    });

    it.each([
      [3, RangeError],
      [0, RangeError],
      [-8, RangeError],
      [8192, RangeError],
      [2.5, RangeError],
      [Number.NaN, RangeError],
      ['8', TypeError],
      [8n, TypeError],
      [null, TypeError],
    ])('should reject align %s naming align', (align, errorClass) => {
      const bump = new Bump();
      const shown = typeof align === 'bigint' ? `${align}n` : String(align);
      for (const call of [
        () => bump.alloc(8, align as number),
        () => bump.tryAlloc(8, align as number),
        () => bump.allocZeroed(8, align as number),
      ]) {
        expect(call).toThrow(errorClass);
        expect(call).toThrow(new RegExp(`align.*${shown}`));
      }
    });

    it('should accept alignments up to 4096', () => {
      const bump = new Bump();
      bump.alloc(1, 1);
      expect(bump.alloc(1, 4096) % 4096).toBe(0);
    });
  });

  describe('4 GiB reservation', () => {
    it('should hand out Ptrs past 2 GiB that every method and view handles', () => {
      const bump = new Bump({ maxBytes: 2 ** 32 });
      const m = bump.memory;
      bump.alloc(2 ** 31, 1);
      const p = bump.alloc(16);
      expect(p).toBeGreaterThanOrEqual(2 ** 31);
      m.f64[p >>> 3] = 1.5;
      m.f64[(p >>> 3) + 1] = -2;
      const odd = bump.alloc(3, 1);
      expect(odd).toBe(p + 16);
      const aligned = bump.alloc(8);
      expect(aligned).toBe(p + 24);
      const page = bump.alloc(8, 4096);
      expect(page % 4096).toBe(0);
      const s = bump.allocStr('héllo past 2 GiB');
      const q = bump.tryAlloc(16);
      expect(q).toBeGreaterThan(s);
      expect(m.str(s)).toBe('héllo past 2 GiB');
      expect(m.f64[p >>> 3]).toBe(1.5);
      expect(m.f64[(p >>> 3) + 1]).toBe(-2);
      expect(positionOf(bump).pos).toBe((q as number) + 16);
      const xs = bump.allocSliceFillWith(Float64Array, 4, (i) => i);
      expect(xs.byteOffset).toBeGreaterThan(2 ** 31);
      expect([...xs]).toEqual([0, 1, 2, 3]);
      const grown = bump.grow(xs.byteOffset, 32, 64, 8);
      expect(grown).toBe(xs.byteOffset);
    });

    it('should allocate up to the end of the reservation and then refuse, unchanged', () => {
      const bump = new Bump({ maxBytes: 2 ** 32 });
      bump.alloc(2 ** 31, 1);
      const top = bump.allocatedBytesIncludingMetadata();
      // The reservation ends 4096 bytes short of 2^32, so that rounding up never wraps.
      const rest = 2 ** 32 - 4096 - top;
      bump.alloc(rest - 48, 1);
      const last = [bump.alloc(16), bump.alloc(16), bump.alloc(8, 16)];
      expect(last[2]! + 8).toBeLessThanOrEqual(2 ** 32 - 4096);
      const before = snapshot(bump);
      expect(() => bump.alloc(16)).toThrow(AllocError);
      expect(() => bump.alloc(16, 4096)).toThrow(AllocError);
      expect(() => bump.allocStr('x'.repeat(8))).toThrow(AllocError);
      expect(bump.tryAlloc(16)).toBeNull();
      expect(snapshot(bump)).toEqual(before);
      expect(bump.alloc(8, 1)).toBe(last[2]! + 8);
    });
  });

  describe('allocation limit', () => {
    it('should throw AllocError naming the size and the limit, and change nothing', () => {
      const bump = new Bump({ allocationLimit: 8192 });
      bump.alloc(100);
      const before = snapshot(bump);
      let error: unknown;
      try {
        bump.alloc(10_000);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AllocError);
      expect((error as AllocError).message).toMatch(/10000 bytes/);
      expect((error as AllocError).message).toMatch(/8192/);
      expect((error as AllocError).size).toBe(10_000);
      expect((error as AllocError).limit).toBe(8192);
      expect(snapshot(bump)).toEqual(before);
    });

    it('should return null from tryAlloc and change nothing', () => {
      const bump = new Bump({ allocationLimit: 4096 });
      bump.alloc(100);
      const before = snapshot(bump);
      expect(bump.tryAlloc(5000)).toBeNull();
      expect(snapshot(bump)).toEqual(before);
      expect(bump.tryAlloc(100)).not.toBeNull();
    });

    it('should use every byte the limit allows', () => {
      const bump = new Bump({ allocationLimit: 4096 + 2048, chunkSize: 4096 });
      bump.alloc(4096, 1);
      // The doubled chunk (8192) does not fit: the arena takes the 2048 bytes left instead.
      expect(bump.alloc(2048, 1)).toBeGreaterThan(0);
      expect(bump.allocatedBytes()).toBe(4096 + 2048);
      expect(bump.tryAlloc(1, 1)).toBeNull();
    });

    it('should be readable and settable', () => {
      const bump = new Bump();
      expect(bump.allocationLimit()).toBeNull();
      bump.setAllocationLimit(1 << 16);
      expect(bump.allocationLimit()).toBe(1 << 16);
      expect(bump.tryAlloc(1 << 17)).toBeNull();
      bump.setAllocationLimit(null);
      expect(bump.tryAlloc(1 << 17)).not.toBeNull();
      expect(() => bump.setAllocationLimit(-1)).toThrow(/limit.*-1/);
    });

    it('should reject a limit that is not a number or null, keeping the limit', () => {
      const bump = new Bump({ allocationLimit: 1 << 16 });
      expect(() => bump.setAllocationLimit(undefined as never)).toThrow(/limit must be a number or null/);
      expect(() => bump.setAllocationLimit(10n as never)).toThrow(/limit must be a number, got 10n/);
      expect(() => bump.setAllocationLimit(Number.NaN)).toThrow(/limit.*NaN/);
      expect(bump.allocationLimit()).toBe(1 << 16);
    });

    it('should keep what is held when lowered below it, and refuse new chunks', () => {
      const bump = new Bump({ chunkSize: 4096 });
      const p = bump.alloc(4000, 1);
      bump.memory.u8[p] = 9;
      bump.setAllocationLimit(100);
      expect(bump.tryAlloc(50, 1)).not.toBeNull();
      expect(bump.tryAlloc(4096, 1)).toBeNull();
      expect(bump.memory.u8[p]).toBe(9);
    });
  });

  describe('growth', () => {
    it('should double chunks like bumpalo', () => {
      const bump = new Bump({ chunkSize: 1024 });
      const sizes: number[] = [];
      for (let i = 0; i < 5; i++) {
        bump.alloc(bump.chunkCapacity() + 1, 1);
        sizes.push([...bump.allocatedChunks()].length);
      }
      expect(sizes).toEqual([1, 2, 3, 4, 5]);
      expect(bump.allocatedBytes()).toBe(1024 + 2048 + 4096 + 8192 + 16384);
    });

    it('should take a chunk as large as an allocation bigger than the doubling', () => {
      const bump = new Bump({ chunkSize: 1024 });
      bump.alloc(10_000, 1);
      expect(bump.allocatedBytes()).toBe(10_000);
      bump.alloc(1, 1);
      expect(bump.allocatedBytes()).toBe(10_000 + 20_000);
    });

    it('should fail with AllocError when the reservation is exhausted', () => {
      const bump = new Bump({ maxBytes: 1 << 16, chunkSize: 1 << 14 });
      bump.alloc(1 << 14, 1);
      bump.alloc(1 << 15, 1);
      expect(() => bump.alloc(1 << 14, 1)).toThrow(AllocError);
      expect(() => bump.alloc(1 << 14, 1)).toThrow(/reservation/);
    });
  });

  describe('allocZeroed', () => {
    it('should zero the bytes it returns even after a reset', () => {
      const bump = new Bump();
      const p = bump.alloc(64);
      bump.memory.u8.fill(0xff, p, p + 64);
      bump.reset();
      const q = bump.allocZeroed(64);
      expect([...bump.memory.bytes(q, 64)].every((b) => b === 0)).toBe(true);
    });
  });

  describe('allocStr', () => {
    it('should store a string memory.str reads back', () => {
      const bump = new Bump();
      for (const s of ['', 'a', 'hello, world', 'héllo', '日本語', '🦀 crab', 'x'.repeat(10_000)]) {
        expect(bump.memory.str(bump.allocStr(s))).toBe(s);
      }
    });

    it('should store a u32 byte length before the UTF-8', () => {
      const bump = new Bump();
      const p = bump.allocStr('é!');
      expect(p % 4).toBe(0);
      expect(bump.memory.u32[p >>> 2]).toBe(3);
      expect([...bump.memory.bytes(p + 4, 3)]).toEqual([0xc3, 0xa9, 0x21]);
    });

    it('should take only the bytes it needs from the chunk', () => {
      const bump = new Bump();
      const p = bump.allocStr('abc');
      expect(bump.alloc(1, 1)).toBe(p + 7);
    });

    it('should honour the limit to the byte for a string longer than the chunk has room for', () => {
      const bump = new Bump({ chunkSize: 64, allocationLimit: 64 });
      const p = bump.allocStr('x'.repeat(60));
      expect(bump.memory.str(p)).toBe('x'.repeat(60));
      expect(() => bump.allocStr('y')).toThrow(AllocError);
    });

    it('should reject a value that is not a string naming s', () => {
      const bump = new Bump();
      expect(() => bump.allocStr(42 as never)).toThrow(TypeError);
      expect(() => bump.allocStr(null as never)).toThrow(/s must be a string, got null/);
    });
  });

  describe('allocSlice', () => {
    const kinds = [
      [Int8Array, 1],
      [Uint8Array, 1],
      [Uint8ClampedArray, 1],
      [Int16Array, 1],
      [Uint16Array, 1],
      [Int32Array, 1],
      [Uint32Array, 1],
      [Float32Array, 1.5],
      [Float64Array, 1.5],
      [BigInt64Array, -1n],
      [BigUint64Array, 1n],
    ] as const;

    it.each(kinds)('should make a zeroed, aligned view over the arena for %o', (Ctor, value) => {
      const bump = new Bump();
      bump.alloc(1, 1);
      const p = bump.alloc(64, 1);
      bump.memory.u8.fill(0xee, p, p + 64);
      bump.reset();
      bump.alloc(1, 1);
      const view = bump.allocSlice(Ctor as never, 5) as unknown as ArrayLike<unknown> & {
        buffer: ArrayBufferLike;
        byteOffset: number;
      };
      expect(view).toBeInstanceOf(Ctor);
      expect(view.buffer).toBe(bump.memory.buffer);
      expect(view.byteOffset % Ctor.BYTES_PER_ELEMENT).toBe(0);
      expect(Array.from(view).every((x) => x === 0 || x === 0n)).toBe(true);
      const filled = bump.allocSliceFill(Ctor as never, 4, value as never) as unknown as ArrayLike<unknown>;
      expect(Array.from(filled)).toEqual([value, value, value, value]);
    });

    it('should copy a slice of every kind, including from a Node Buffer', ({ skip }) => {
      skip(!withNodeApis, "Node's Buffer");
      const bump = new Bump();
      const src = new Float64Array([1, 2, 3]);
      const copy = bump.allocSliceCopy(src);
      expect(copy).toBeInstanceOf(Float64Array);
      expect([...copy]).toEqual([1, 2, 3]);
      expect(copy.buffer).toBe(bump.memory.buffer);
      src[0] = 9;
      expect(copy[0]).toBe(1);
      const big = bump.allocSliceCopy(new BigInt64Array([-5n, 7n]));
      expect([...big]).toEqual([-5n, 7n]);
      const fromBuffer = bump.allocSliceCopy(Buffer.from('hey'));
      expect(fromBuffer.constructor).toBe(Uint8Array);
      expect([...fromBuffer]).toEqual([104, 101, 121]);
    });

    it('should fill with a function of the index', () => {
      const bump = new Bump();
      expect([...bump.allocSliceFillWith(Float64Array, 4, (i) => i * i)]).toEqual([0, 1, 4, 9]);
      expect([...bump.allocSliceFillWith(BigUint64Array, 2, (i) => BigInt(i) + 10n)]).toEqual([10n, 11n]);
    });

    it('should leave the arena as it was when the fill function throws', () => {
      const bump = new Bump({ chunkSize: 64 });
      const p = bump.alloc(8);
      bump.memory.f64[p >>> 3] = 5;
      const before = snapshot(bump);
      // Big enough to need a new chunk, which must be given back.
      expect(() =>
        bump.allocSliceFillWith(Float64Array, 1000, (i) => {
          if (i === 500) throw new Error('boom');
          return i;
        }),
      ).toThrow('boom');
      expect(snapshot(bump)).toEqual(before);
      expect(() =>
        bump.allocSliceFillWith(Float64Array, 2, () => {
          throw new Error('small');
        }),
      ).toThrow('small');
      expect(snapshot(bump)).toEqual(before);
      expect(bump.memory.f64[p >>> 3]).toBe(5);
    });

    it('should reject a wrong constructor, length or value naming each', () => {
      const bump = new Bump();
      expect(() => bump.allocSlice(Array as never, 1)).toThrow(/Ctor must be a typed array constructor/);
      expect(() => bump.allocSlice(DataView as never, 1)).toThrow(TypeError);
      expect(() => bump.allocSlice(Float64Array, -1)).toThrow(/length.*-1/);
      expect(() => bump.allocSlice(Float64Array, 0.5)).toThrow(RangeError);
      expect(() => bump.allocSliceCopy([1, 2] as never)).toThrow(/src must be a typed array/);
      expect(() => bump.allocSliceFill(Float64Array, 2, 1n as never)).toThrow(/value must be a number/);
      expect(() => bump.allocSliceFill(BigInt64Array, 2, 1 as never)).toThrow(/value must be a bigint/);
      expect(() => bump.allocSliceFillWith(Float64Array, 2, 3 as never)).toThrow(/fill must be a function/);
      expect(() => bump.allocSlice(Float64Array, 4n as never)).toThrow(/length must be a number, got 4n/);
      expect(() => bump.allocSlice(Float64Array, undefined as never)).toThrow(/length.*undefined/);
      expect(() => bump.allocSliceFill(Float64Array, 2, undefined as never)).toThrow(/value.*undefined/);
    });

    it.each([
      [
        'undefined for a Float64Array',
        Float64Array,
        undefined,
        /fill must return a number for Float64Array, got undefined for index 2/,
      ],
      [
        'a bigint for an Int32Array',
        Int32Array,
        7n,
        /fill must return a number for Int32Array, got 7n for index 2/,
      ],
      [
        'a string for a Uint8Array',
        Uint8Array,
        '7',
        /fill must return a number for Uint8Array, got "7" for index 2/,
      ],
      [
        'a number for a BigInt64Array',
        BigInt64Array,
        7,
        /fill must return a bigint for BigInt64Array, got 7 for index 2/,
      ],
    ])('should reject a fill that returns %s, leaving the arena as it was', (_, Ctor, wrong, message) => {
      const bump = new Bump({ chunkSize: 64 });
      bump.alloc(8);
      const before = snapshot(bump);
      const good = Ctor === BigInt64Array ? 1n : 1;
      const call = () =>
        bump.allocSliceFillWith(Ctor as never, 100, ((i: number) => (i === 2 ? wrong : good)) as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
      expect(snapshot(bump)).toEqual(before);
    });
  });

  describe('grow', () => {
    it('should resize the newest allocation in place and copy any other', () => {
      const bump = new Bump();
      const m = bump.memory;
      const a = bump.alloc(16);
      m.f64[a >>> 3] = 1.5;
      expect(bump.grow(a, 16, 64, 8)).toBe(a);
      expect(bump.grow(a, 64, 8, 8)).toBe(a);
      expect(bump.alloc(8)).toBe(a + 8);
      const moved = bump.grow(a, 8, 32, 8);
      expect(moved).not.toBe(a);
      expect(m.f64[moved >>> 3]).toBe(1.5);
      expect(bump.grow(moved, 32, 16, 8)).toBe(moved);
    });

    it('should not let a negative size move the position back over live data', () => {
      const bump = new Bump();
      const m = bump.memory;
      const a = bump.alloc(16);
      m.f64[a >>> 3] = 7;
      const b = bump.alloc(16);
      expect(() => bump.grow(b, 16, -32, 8)).toThrow(/newSize.*-32/);
      const c = bump.alloc(16);
      m.f64[c >>> 3] = 9;
      expect(c).toBeGreaterThanOrEqual(b + 16);
      expect(m.f64[a >>> 3]).toBe(7);
    });

    /** Each case's arguments, given the Ptr of a 16-byte allocation. */
    type Args = (p: number) => unknown[];
    const bad: [string, Args, ErrorConstructor, RegExp][] = [
      ['a negative newSize', (p) => [p, 16, -8, 8], RangeError, /newSize.*-8/],
      ['a fractional newSize', (p) => [p, 16, 1.5, 8], RangeError, /newSize.*1\.5/],
      ['a NaN newSize', (p) => [p, 16, Number.NaN, 8], RangeError, /newSize.*NaN/],
      ['a bigint newSize', (p) => [p, 16, 32n, 8], TypeError, /newSize.*32n/],
      ['an undefined newSize', (p) => [p, 16, undefined, 8], TypeError, /newSize.*undefined/],
      ['a string oldSize', (p) => [p, '16', 32, 8], TypeError, /oldSize.*"16"/],
      ['a negative oldSize', (p) => [p, -16, 32, 8], RangeError, /oldSize.*-16/],
      ['a null oldSize', (p) => [p, null, 32, 8], TypeError, /oldSize.*null/],
      ['an oldSize past the memory', (p) => [p, 2 ** 40, 32, 8], RangeError, /oldSize/],
      ['an align of 3', (p) => [p, 16, 32, 3], RangeError, /align.*3/],
      ['a bigint align', (p) => [p, 16, 32, 8n], TypeError, /align.*8n/],
      ['a missing align', (p) => [p, 16, 32], TypeError, /align.*undefined/],
      ['a bigint ptr', (p) => [BigInt(p), 16, 32, 8], TypeError, /ptr.*n\b/],
      ['a NaN ptr', () => [Number.NaN, 16, 32, 8], RangeError, /ptr.*NaN/],
      ['a fractional ptr', (p) => [p + 0.5, 16, 32, 8], RangeError, /ptr.*\.5/],
      ['a null ptr', () => [null, 16, 32, 8], TypeError, /ptr.*null/],
      ['ptr 0', () => [0, 16, 32, 8], RangeError, /ptr is 0, the null Ptr/],
      ['an unaligned ptr', (p) => [p + 4, 12, 32, 8], RangeError, /ptr .* not aligned to 8/],
      ['a ptr whose oldSize bytes run past the memory', (p) => [p, 256, 32, 8], RangeError, /ptr.*runs past/],
    ];
    it.each(bad)(
      'should reject %s naming the parameter, leaving the arena unchanged',
      (_, args, errorClass, message) => {
        const bump = new Bump({ chunkSize: 256 });
        bump.alloc(8);
        const p = bump.alloc(16);
        const before = snapshot(bump);
        const call = () => (bump.grow as (...a: unknown[]) => number)(...args(p));
        expect(call).toThrow(errorClass);
        expect(call).toThrow(message);
        expect(snapshot(bump)).toEqual(before);
      },
    );

    it('should throw AllocError for a newSize over the reservation', () => {
      const bump = new Bump({ maxBytes: 1 << 16 });
      const p = bump.alloc(16);
      const before = snapshot(bump);
      expect(() => bump.grow(p, 16, 2 ** 20, 8)).toThrow(AllocError);
      expect(snapshot(bump)).toEqual(before);
    });
  });

  describe('reset', () => {
    it('should keep only the newest chunk, moved to the start, and reuse it', () => {
      const bump = new Bump({ chunkSize: 1024 });
      for (let i = 0; i < 100; i++) bump.alloc(100);
      const chunks = [...bump.allocatedChunks()];
      const newest = chunks[0]!.buffer.byteLength - chunks[0]!.byteOffset;
      expect(chunks.length).toBeGreaterThan(1);
      bump.reset();
      expect([...bump.allocatedChunks()]).toHaveLength(1);
      expect(bump.allocatedBytes()).toBeGreaterThanOrEqual(newest);
      expect(bump.chunkCapacity()).toBe(bump.allocatedBytes());
      const capacity = bump.allocatedBytes();
      for (let i = 0; i < 100 && bump.chunkCapacity() >= 100; i++) bump.alloc(100);
      expect(bump.allocatedBytes()).toBe(capacity);
      expect(bump.allocatedBytesIncludingMetadata()).toBe(capacity + 16);
    });

    it('should hand out the same Ptrs again after a reset', () => {
      const bump = new Bump();
      const a = [bump.alloc(16), bump.allocStr('x'), bump.alloc(3, 1)];
      bump.reset();
      expect([bump.alloc(16), bump.allocStr('x'), bump.alloc(3, 1)]).toEqual(a);
    });

    it('should do nothing on an arena with no chunk', () => {
      const bump = new Bump();
      bump.reset();
      expect(bump.allocatedBytes()).toBe(0);
      expect(bump.alloc(8)).toBeGreaterThan(0);
    });
  });

  describe('accounting', () => {
    it('should report the used bytes of each chunk, newest first', () => {
      const bump = new Bump({ chunkSize: 64 });
      const m = bump.memory;
      const a = bump.alloc(40, 1);
      m.u8.fill(1, a, a + 40);
      const b = bump.alloc(100, 1);
      m.u8.fill(2, b, b + 100);
      const chunks = [...bump.allocatedChunks()];
      expect(chunks.map((c) => c.length)).toEqual([100, 40]);
      expect(chunks[0]!.every((x) => x === 2)).toBe(true);
      expect(chunks[1]!.every((x) => x === 1)).toBe(true);
    });

    it('should count chunk bytes, not bytes handed out', () => {
      const bump = new Bump({ chunkSize: 4096 });
      bump.alloc(1);
      expect(bump.allocatedBytes()).toBe(4096);
      expect(bump.allocatedBytesIncludingMetadata()).toBe(4096 + 16);
      expect(bump.chunkCapacity()).toBe(4096 - 1);
    });
  });

  describe('properties', () => {
    type Op =
      | { kind: 'alloc'; size: number; align: number }
      | { kind: 'str'; s: string }
      | { kind: 'slice'; length: number }
      | { kind: 'reset' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('alloc' as const),
          size: fc.oneof(fc.nat(64), fc.nat(5000)),
          align: fc.constantFrom(1, 2, 4, 8, 16, 32, 256, 4096),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('str' as const), s: fc.string({ unit: 'binary' }) }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('slice' as const), length: fc.nat(300) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
    );

    it('should keep live allocations apart, aligned, intact until reset, and within the limit', () => {
      fc.assert(
        fc.property(
          fc.array(op, { maxLength: 120 }),
          fc.option(fc.integer({ min: 0, max: 40_000 }), { nil: null }),
          fc.constantFrom(16, 64, 1000, 4096),
          (ops, limit, chunkSize) => {
            const bump = new Bump({ allocationLimit: limit, chunkSize, maxBytes: 1 << 24 });
            const m = bump.memory;
            type Live = { ptr: number; size: number; check: () => void };
            let live: Live[] = [];
            let stamp = 0;
            for (const o of ops) {
              const before = snapshot(bump);
              if (o.kind === 'reset') {
                bump.reset();
                live = [];
                continue;
              }
              let made: Live | null = null;
              try {
                if (o.kind === 'alloc') {
                  const ptr = bump.alloc(o.size, o.align);
                  expect(ptr % o.align).toBe(0);
                  const value = ++stamp & 0xff;
                  m.u8.fill(value, ptr, ptr + o.size);
                  made = {
                    ptr,
                    size: o.size,
                    check: () => {
                      for (let i = 0; i < o.size; i++) expect(m.u8[ptr + i]).toBe(value);
                    },
                  };
                } else if (o.kind === 'str') {
                  const ptr = bump.allocStr(o.s);
                  expect(ptr % 4).toBe(0);
                  const size = 4 + m.strByteLength(ptr);
                  made = { ptr, size, check: () => expect(m.str(ptr)).toBe(o.s) };
                } else {
                  const view = bump.allocSlice(Float64Array, o.length);
                  expect(view.byteOffset % 8).toBe(0);
                  const base = ++stamp;
                  for (let i = 0; i < o.length; i++) view[i] = base + i;
                  made = {
                    ptr: view.byteOffset,
                    size: view.byteLength,
                    check: () => {
                      for (let i = 0; i < o.length; i++)
                        expect(m.f64[(view.byteOffset >>> 3) + i]).toBe(base + i);
                    },
                  };
                }
              } catch (error) {
                expect(error).toBeInstanceOf(AllocError);
                expect(limit).not.toBeNull();
                expect(snapshot(bump)).toEqual(before);
              }
              if (made) {
                for (const other of live) {
                  if (made.size > 0 && other.size > 0) {
                    const apart = made.ptr >= other.ptr + other.size || other.ptr >= made.ptr + made.size;
                    expect(apart).toBe(true);
                  }
                }
                live.push(made);
              }
              if (limit !== null) expect(bump.allocatedBytes()).toBeLessThanOrEqual(limit);
            }
            for (const l of live) l.check();
          },
        ),
        { numRuns: 150 },
      );
    });

    it('should give the same answer from tryAlloc as alloc, with no change on null', () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat(3000), { maxLength: 40 }),
          fc.integer({ min: 0, max: 20_000 }),
          (sizes, limit) => {
            const bump = new Bump({ allocationLimit: limit, chunkSize: 512 });
            for (const size of sizes) {
              const before = snapshot(bump);
              const p = bump.tryAlloc(size);
              if (p === null) {
                expect(snapshot(bump)).toEqual(before);
                expect(() => bump.alloc(size)).toThrow(AllocError);
                expect(snapshot(bump)).toEqual(before);
              }
              expect(bump.allocatedBytes()).toBeLessThanOrEqual(limit);
            }
          },
        ),
      );
    });
  });
});
