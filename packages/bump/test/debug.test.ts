import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bump, DebugMemory, Memory, struct, UseAfterResetError } from '../src/index.js';
import { EveryKind } from './support/every-kind.js';

const All = EveryKind;
type Field = keyof typeof All.fields;
const fields = Object.keys(All.fields) as Field[];

/** A record with every field written, its name a string allocated in the same arena. */
function writeRecord(bump: Bump): number {
  const m = bump.memory;
  const p = All.alloc(bump);
  All.set.u8(m, p, 200);
  All.set.i8(m, p, -3);
  All.set.u16(m, p, 60_000);
  All.set.i16(m, p, -30_000);
  All.set.u32(m, p, 4_000_000_000);
  All.set.i32(m, p, -2_000_000_000);
  All.set.f32(m, p, 1.5);
  All.set.f64(m, p, Math.PI);
  All.set.u64(m, p, 2n ** 63n);
  All.set.i64(m, p, -5n);
  All.set.flag(m, p, true);
  All.set.next(m, p, p);
  All.set.name(m, p, bump.allocStr('héllo'));
  return p;
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Bump in debug mode', () => {
  it('should throw UseAfterResetError from memory.str for a string kept across reset', () => {
    const bump = new Bump({ debug: true });
    const p = bump.allocStr('kept too long');
    expect(bump.memory.str(p)).toBe('kept too long');
    bump.reset();
    const error = caught(() => bump.memory.str(p));
    expect(error).toBeInstanceOf(UseAfterResetError);
    expect(error).toMatchObject({ name: 'UseAfterResetError', ptr: p });
    expect((error as Error).message).toMatch(new RegExp(`ptr ${p} reads 4 bytes that reset\\(\\) poisoned`));
    expect(() => bump.memory.strByteLength(p)).toThrow(UseAfterResetError);
  });

  it.each(fields)(
    'should throw UseAfterResetError from the %s getter of a record kept across reset',
    (field) => {
      const bump = new Bump({ debug: true });
      const p = writeRecord(bump);
      expect(() => All.get[field](bump.memory, p)).not.toThrow();
      bump.reset();
      expect(() => All.get[field](bump.memory, p)).toThrow(UseAfterResetError);
    },
  );

  it('should read records and strings made after the reset normally', () => {
    const bump = new Bump({ debug: true, chunkSize: 256 });
    for (let round = 0; round < 3; round++) {
      const ptrs = Array.from({ length: 50 }, () => writeRecord(bump));
      for (const p of ptrs) {
        expect(All.get.f64(bump.memory, p)).toBe(Math.PI);
        expect(All.get.u8(bump.memory, p)).toBe(200);
        expect(All.get.flag(bump.memory, p)).toBe(true);
        expect(All.get.name(bump.memory, p)).toBe('héllo');
      }
      bump.reset();
    }
  });

  it('should treat zeroed allocations as written', () => {
    const bump = new Bump({ debug: true });
    bump.alloc(1000);
    bump.reset();
    const p = All.allocZeroed(bump);
    expect(All.get.f64(bump.memory, p)).toBe(0);
    expect(All.get.name(bump.memory, p)).toBe('');
    const base = All.allocArray(bump, 4);
    expect(All.get.u64(bump.memory, All.at(base, 3))).toBe(0n);
    expect([...bump.allocSlice(Float64Array, 4)]).toEqual([0, 0, 0, 0]);
  });

  it('should refuse a string Ptr read from a poisoned field through the raw views', () => {
    const bump = new Bump({ debug: true });
    const p = writeRecord(bump);
    bump.reset();
    const stalePtr = bump.memory.u32[(p + All.offsets.name) >>> 2]!;
    expect(stalePtr).toBe(0xa5a5a5a5);
    expect(() => bump.memory.str(stalePtr)).toThrow(/the poison pattern 0xA5A5A5A5/);
  });

  it('should refuse Ptrs into chunks the reset gave back, and again once the arena grows over them', () => {
    const bump = new Bump({ debug: true, chunkSize: 64 });
    const early = bump.allocStr('in the first chunk');
    for (let i = 0; i < 20; i++) bump.alloc(64);
    const late = bump.allocStr('in the newest chunk');
    const old = All.alloc(bump);
    All.set.f64(bump.memory, old, 1);
    bump.reset();
    // The newest chunk is kept at the start of the buffer; later addresses are gone.
    expect(late).toBeGreaterThanOrEqual(bump.memory.u8.length);
    expect(() => bump.memory.str(late)).toThrow(/past the end of the memory .* gave back/);
    expect(() => All.get.f64(bump.memory, old)).toThrow(UseAfterResetError);
    expect(() => bump.memory.str(early)).toThrow(UseAfterResetError);
    // Grow back over the old addresses: what was not written since is poison again.
    while (bump.memory.u8.length <= late + 64) bump.alloc(bump.chunkCapacity() + 1, 1);
    expect(() => bump.memory.str(late)).toThrow(UseAfterResetError);
  });

  it('should poison every stale Ptr when nothing is allocated after the reset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.integer()), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.constantFrom(16, 64, 4096),
        (items, chunkSize) => {
          const bump = new Bump({ debug: true, chunkSize });
          const P = struct({ n: 'f64', s: 'str' });
          const ptrs = items.map((item) => {
            const p = P.alloc(bump);
            P.set.n(bump.memory, p, typeof item === 'number' ? item : item.length);
            P.set.s(bump.memory, p, bump.allocStr(String(item)));
            return p;
          });
          bump.reset();
          for (const p of ptrs) {
            expect(() => P.get.n(bump.memory, p)).toThrow(UseAfterResetError);
            expect(() => P.get.s(bump.memory, p)).toThrow(UseAfterResetError);
          }
        },
      ),
    );
  });

  it('should leave a Bump without debug mode reading what is there', () => {
    const bump = new Bump();
    const p = bump.allocStr('still there');
    bump.reset();
    expect(bump.memory).not.toBeInstanceOf(DebugMemory);
    expect(bump.memory.str(p)).toBe('still there');
  });

  it('should reject a debug option that is not a boolean', () => {
    expect(() => new Bump({ debug: 'yes' as never })).toThrow(/options\.debug must be a boolean, got "yes"/);
    expect(() => new Bump({ debug: 1 as never })).toThrow(TypeError);
    expect(Bump.withCapacity(64, { debug: true }).memory).toBeInstanceOf(DebugMemory);
  });
});

describe('DebugMemory', () => {
  it('should poison a range, as far as the memory reaches, and read it as poisoned', () => {
    const memory = new DebugMemory(new SharedArrayBuffer(256));
    memory.u32[4] = 2;
    memory.u8.set([0x68, 0x69], 20);
    expect(memory.str(16)).toBe('hi');
    memory.poison(16, 1024);
    expect([...memory.u8.subarray(16, 256)].every((b) => b === 0xa5)).toBe(true);
    expect([...memory.u8.subarray(0, 16)].every((b) => b === 0)).toBe(true);
    expect(() => memory.str(16)).toThrow(UseAfterResetError);
    expect(() => memory.checkRead(64, 8)).toThrow(UseAfterResetError);
    memory.u8[70] = 0;
    expect(() => memory.checkRead(64, 8)).not.toThrow();
  });

  it('should poison again only what was poisoned before', () => {
    const memory = new DebugMemory(new ArrayBuffer(256));
    memory.poison(16, 64);
    memory.u8.fill(0, 16, 256);
    memory.poisonStale(32, 128);
    expect([...memory.u8.subarray(32, 64)].every((b) => b === 0xa5)).toBe(true);
    expect([...memory.u8.subarray(64, 128)].every((b) => b === 0)).toBe(true);
  });

  it('should be a Memory that the struct getters and str check, and plain Memory should not be', () => {
    const plain = new Memory(new ArrayBuffer(64));
    plain.u8.fill(0xa5);
    const P = struct({ x: 'f64' });
    expect(P.get.x(plain, 8)).toBeTypeOf('number');
    const debug = new DebugMemory(new ArrayBuffer(64));
    debug.poison(0, 64);
    expect(() => P.get.x(debug, 8)).toThrow(UseAfterResetError);
    expect(debug).toBeInstanceOf(Memory);
  });
});

describe('UseAfterResetError', () => {
  it('should be registered so that it crosses threads as itself', () => {
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('@herd/error-classes')
    ];
    expect(registry?.get('UseAfterResetError')).toBe(UseAfterResetError);
    const error = new UseAfterResetError('poisoned', 64);
    // The thread runtime rebuilds a registered error from its prototype and own properties.
    const rebuilt = Object.assign(Object.create(UseAfterResetError.prototype) as Error, { ...error });
    expect(rebuilt).toBeInstanceOf(UseAfterResetError);
    expect(rebuilt).toMatchObject({ name: 'UseAfterResetError', ptr: 64 });
  });
});
