import { show } from '@herd/shared';
import type { Arena } from './arena.js';
import { POISONED } from './debug-memory.js';
import type { Memory, Ptr } from './memory.js';
import { checkArena, checkLength } from './validate.js';

/**
 * The kind of a record field. Numbers are stored in the platform's byte order (little-endian on
 * every platform Node runs on). `bool` is one byte; `ptr` is a u32 Ptr into the same memory;
 * `str` is a u32 Ptr to a string made by `allocStr`, read back as the string (Ptr 0 reads as '').
 *
 * @example
 * ```ts
 * const kind: FieldKind = 'f64';
 * const Item = struct({ price: kind, sold: 'bool' });
 * ```
 */
export type FieldKind =
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'f32'
  | 'f64'
  | 'u64'
  | 'i64'
  | 'bool'
  | 'ptr'
  | 'str';

/**
 * The fields of a record: names to kinds, in memory order.
 *
 * @example
 * ```ts
 * const fields = { x: 'f64', y: 'f64', id: 'u32' } as const satisfies Fields;
 * const Point = struct(fields);
 * ```
 */
export type Fields = Readonly<Record<string, FieldKind>>;

/**
 * What reading a field of kind `K` gives.
 *
 * @example
 * ```ts
 * const n: FieldValue<'u64'> = 1n;
 * const s: FieldValue<'str'> = 'hi';
 * const b: FieldValue<'bool'> = true;
 * ```
 */
export type FieldValue<K extends FieldKind> = K extends 'u64' | 'i64'
  ? bigint
  : K extends 'bool'
    ? boolean
    : K extends 'str'
      ? string
      : number;

/**
 * What writing a field of kind `K` takes: a `str` field takes the Ptr that `allocStr` returned.
 *
 * @example
 * ```ts
 * const label: FieldInput<'str'> = bump.allocStr('origin'); // a Ptr, not a string
 * const x: FieldInput<'f64'> = 1.5;
 * ```
 */
export type FieldInput<K extends FieldKind> = K extends 'str' ? Ptr : FieldValue<K>;

/**
 * Reads one field of the record at `ptr`.
 *
 * @example
 * ```ts
 * const Point = struct({ x: 'f64', y: 'f64' });
 * const bump = new Bump();
 * const p = Point.alloc(bump);
 * Point.set.x(bump.memory, p, 1.5);
 * const getX: FieldGetter<number> = Point.get.x;
 * getX(bump.memory, p); // 1.5
 * ```
 */
export type FieldGetter<V> = (memory: Memory, ptr: Ptr) => V;

/**
 * Writes one field of the record at `ptr`.
 *
 * @example
 * ```ts
 * const Point = struct({ x: 'f64', y: 'f64' });
 * const bump = new Bump();
 * const p = Point.alloc(bump);
 * const setX: FieldSetter<number> = Point.set.x;
 * setX(bump.memory, p, 1.5);
 * ```
 */
export type FieldSetter<V> = (memory: Memory, ptr: Ptr, value: V) => void;

/**
 * A record layout made by `struct`: sizes and offsets computed once, and one reader and one writer
 * function per field, so records live in the arena as bytes with no JS object per record.
 *
 * @example
 * ```ts
 * const Point: Struct<{ x: 'f64'; y: 'f64' }> = struct({ x: 'f64', y: 'f64' });
 * const bump = new Bump();
 * const base = Point.allocArray(bump, 10);
 * Point.set.y(bump.memory, Point.at(base, 3), 2);
 * Point.get.y(bump.memory, Point.at(base, 3)); // 2
 * ```
 */
export interface Struct<F extends Fields> {
  /** Bytes of one record, padding included: records laid end to end stay aligned. */
  readonly size: number;
  /** Alignment of a record: the largest alignment of its fields. */
  readonly align: number;
  /** Byte offset of each field from the start of the record. */
  readonly offsets: { readonly [K in keyof F]: number };
  /** The field kinds, as given. */
  readonly fields: F;
  /** Field readers: `Point.get.x(memory, p)`. */
  readonly get: { readonly [K in keyof F]: FieldGetter<FieldValue<F[K]>> };
  /** Field writers: `Point.set.x(memory, p, 1.5)`. */
  readonly set: { readonly [K in keyof F]: FieldSetter<FieldInput<F[K]>> };
  /** Allocates one record, its bytes not zeroed. */
  alloc(arena: Arena): Ptr;
  /** Allocates one record with every field zero (`ptr` and `str` fields 0, i.e. none). */
  allocZeroed(arena: Arena): Ptr;
  /** Allocates `count` zeroed records end to end; `at(base, i)` is the Ptr of record `i`. */
  allocArray(arena: Arena, count: number): Ptr;
  /** The Ptr of record `index` in an array of records starting at `base`. */
  at(base: Ptr, index: number): Ptr;
}

const SIZES: Readonly<Record<FieldKind, number>> = {
  u8: 1,
  i8: 1,
  bool: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  ptr: 4,
  str: 4,
  f64: 8,
  u64: 8,
  i64: 8,
};

type AnyGetter = FieldGetter<unknown>;
type AnySetter = FieldSetter<never>;

/**
 * Defines a record layout. Fields are laid out in the order given, each aligned to its own size
 * (C's layout, so it is predictable and matches what another language would read); the record's
 * size is rounded up to its alignment. The accessors check only what costs next to nothing: that
 * `p` is a positive number (not `undefined`, a bigint, `NaN` or 0, the null Ptr) and that a value
 * has the field's type, with a TypeError or RangeError otherwise; a Ptr must come from this
 * layout's `alloc`/`at`.
 *
 * @param fields - field names to kinds, e.g. `{ x: 'f64', y: 'f64', id: 'u32' }`
 * @returns the layout with its size, alignment, offsets and accessors
 * @throws {TypeError} when `fields` is not an object or a kind is unknown
 * @example
 * ```ts
 * const Point = struct({ x: 'f64', y: 'f64', id: 'u32', label: 'str' });
 * Point.size;                       // 24
 * const bump = new Bump();
 * const m = bump.memory;
 * const p = Point.alloc(bump);
 * Point.set.x(m, p, 1.5);
 * Point.set.label(m, p, bump.allocStr('origin'));
 * Point.get.x(m, p);                // 1.5
 * Point.get.label(m, p);            // 'origin'
 * ```
 */
export function struct<const F extends Fields>(fields: F): Struct<F> {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(`fields must be an object of field names to kinds, got ${show(fields)}`);
  }
  const offsets: Record<string, number> = {};
  const get: Record<string, AnyGetter> = {};
  const set: Record<string, AnySetter> = {};
  let offset = 0;
  let align = 1;
  for (const [name, kind] of Object.entries(fields)) {
    if (typeof kind !== 'string' || !Object.hasOwn(SIZES, kind)) {
      throw new TypeError(
        `fields.${name} must be one of ${Object.keys(SIZES).join(', ')}, got ${show(kind as unknown)}`,
      );
    }
    const size = SIZES[kind];
    offset = (offset + size - 1) & -size;
    offsets[name] = offset;
    offset += size;
    if (size > align) align = size;
  }
  const size = (offset + align - 1) & -align;
  for (const [name, kind] of Object.entries(fields) as [string, FieldKind][]) {
    get[name] = getter(kind, offsets[name]!, size);
    set[name] = setter(kind, offsets[name]!);
  }
  return Object.freeze({
    size,
    align,
    offsets: Object.freeze(offsets),
    fields: Object.freeze({ ...fields }),
    get: Object.freeze(get),
    set: Object.freeze(set),
    alloc(arena: Arena): Ptr {
      // Checked only when the call fails, so the hot path pays nothing for the check.
      try {
        return arena.alloc(size, align);
      } catch (error) {
        checkArena(arena, 'arena');
        throw error;
      }
    },
    allocZeroed(arena: Arena): Ptr {
      checkArena(arena, 'arena');
      return arena.allocZeroed(size, align);
    },
    allocArray(arena: Arena, count: number): Ptr {
      checkArena(arena, 'arena');
      checkLength(count, 'count', size, 2 ** 32);
      return arena.allocZeroed(size * count, align);
    },
    at(base: Ptr, index: number): Ptr {
      // Math.floor, not `% 1`: V8 turns `% 1` on a number it cannot type into a call to fmod.
      if (
        typeof base !== 'number' ||
        !(base > 0) ||
        typeof index !== 'number' ||
        Math.floor(index) !== index
      ) {
        throw badAt(base, index, size);
      }
      const p = base + index * size;
      if (!(p <= 0xffffffff) || Math.floor(p) !== p || index < 0) throw badAt(base, index, size);
      return p;
    },
  }) as unknown as Struct<F>;
}

function badAt(base: unknown, index: unknown, size: number): Error {
  if (base === 0) return new RangeError('base is 0, the null Ptr: it points at no array of records');
  if (typeof base !== 'number') return new TypeError(`base must be a number (a Ptr), got ${show(base)}`);
  if (!(base > 0) || !Number.isInteger(base)) {
    return new RangeError(`base must be an integer from 1 to 2^32 - 1 (a Ptr), got ${show(base)}`);
  }
  if (typeof index !== 'number') return new TypeError(`index must be a number, got ${show(index)}`);
  if (!(index >= 0) || !Number.isInteger(index)) {
    return new RangeError(`index must be a non-negative integer, got ${show(index)}`);
  }
  return new RangeError(`base ${base} + index ${index} * size ${size} runs past 2^32 - 1, the last Ptr`);
}

// One closure per field with its offset captured: V8 inlines them at a monomorphic call site, so
// a field read costs what the hand-written `m.f64[(p + 8) >>> 3]` does plus a type test and a
// compare or two. The checks are written out in each closure, not called: a call to a module-level
// function is a load and a check of that function on every call in loops V8 compiled on the fly
// (on-stack replacement), which made such loops twice as slow.
//
// Debug mode: a getter that reads the poison pattern, or nothing (past the end of the memory), asks
// its memory whether the bytes are poison (`checkRead`), which `DebugMemory` answers with a throw
// and a plain `Memory` with nothing, so the non-debug path pays one compare with a constant (the
// `undefined` test folds away where V8 knows the read is in bounds). Fields of 1 and 2 bytes, any
// value of which is plausible, ask about their whole record (when it has 4 bytes or more).
function getter(kind: FieldKind, o: number, recordSize: number): AnyGetter {
  const record = recordSize >= 4 ? recordSize : 0;
  // Captured as constants of each closure: the bundle makes module-level constants `var`s, which
  // V8 loads on every use instead of folding them.
  const poison8 = POISONED.u8;
  const poisonI8 = POISONED.i8;
  const poison16 = POISONED.u16;
  const poisonI16 = POISONED.i16;
  const poison32 = POISONED.u32;
  const poisonI32 = POISONED.i32;
  const poisonF32 = POISONED.f32;
  const poisonF64 = POISONED.f64;
  switch (kind) {
    case 'u8':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.u8[p + o]!;
        if (v === poison8 || v === undefined) m.checkRead(p, record);
        return v;
      };
    case 'i8':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.i8[p + o]!;
        if (v === poisonI8 || v === undefined) m.checkRead(p, record);
        return v;
      };
    case 'bool':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.u8[p + o]!;
        if (v === poison8 || v === undefined) m.checkRead(p + o, 1);
        return v !== 0;
      };
    case 'u16':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.u16[(p + o) >>> 1]!;
        if (v === poison16 || v === undefined) m.checkRead(p, record);
        return v;
      };
    case 'i16':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.i16[(p + o) >>> 1]!;
        if (v === poisonI16 || v === undefined) m.checkRead(p, record);
        return v;
      };
    case 'u32':
    case 'ptr':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.u32[(p + o) >>> 2]!;
        if (v === poison32 || v === undefined) m.checkRead(p + o, 4);
        return v;
      };
    case 'i32':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.i32[(p + o) >>> 2]!;
        if (v === poisonI32 || v === undefined) m.checkRead(p + o, 4);
        return v;
      };
    case 'f32':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.f32[(p + o) >>> 2]!;
        if (v === poisonF32 || v === undefined) m.checkRead(p + o, 4);
        return v;
      };
    case 'f64':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const v = m.f64[(p + o) >>> 3]!;
        if (v === poisonF64 || v === undefined) m.checkRead(p + o, 8);
        return v;
      };
    case 'u64':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        // The low half, before a bigint is made of the whole.
        if (m.u32[(p + o) >>> 2] === poison32 || m.u32[(p + o) >>> 2] === undefined) m.checkRead(p + o, 8);
        return m.u64[(p + o) >>> 3];
      };
    case 'i64':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        if (m.u32[(p + o) >>> 2] === poison32 || m.u32[(p + o) >>> 2] === undefined) m.checkRead(p + o, 8);
        return m.i64[(p + o) >>> 3];
      };
    case 'str':
      return (m, p) => {
        if (typeof p !== 'number' || !(p > 0)) throw badRecordPtr(p);
        const s = m.u32[(p + o) >>> 2]!;
        if (s === poison32 || s === undefined) m.checkRead(p + o, 4);
        return s === 0 ? '' : m.str(s);
      };
  }
}

function setter(kind: FieldKind, o: number): AnySetter {
  switch (kind) {
    case 'u8':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.u8[p + o] = v;
      };
    case 'i8':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.i8[p + o] = v;
      };
    case 'bool':
      return (m, p, v: boolean) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'boolean') throw badWrite(kind, p, v);
        m.u8[p + o] = v ? 1 : 0;
      };
    case 'u16':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.u16[(p + o) >>> 1] = v;
      };
    case 'i16':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.i16[(p + o) >>> 1] = v;
      };
    case 'u32':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.u32[(p + o) >>> 2] = v;
      };
    case 'ptr':
    case 'str':
      // A Ptr, or 0 for none: anything else would read as some other allocation.
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number' || !(v >= 0 && v <= 0xffffffff)) {
          throw badWrite(kind, p, v);
        }
        m.u32[(p + o) >>> 2] = v;
      };
    case 'i32':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.i32[(p + o) >>> 2] = v;
      };
    case 'f32':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.f32[(p + o) >>> 2] = v;
      };
    case 'f64':
      return (m, p, v: number) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'number') throw badWrite(kind, p, v);
        m.f64[(p + o) >>> 3] = v;
      };
    case 'u64':
      return (m, p, v: bigint) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'bigint') throw badWrite(kind, p, v);
        m.u64[(p + o) >>> 3] = v;
      };
    case 'i64':
      return (m, p, v: bigint) => {
        if (typeof p !== 'number' || !(p > 0) || typeof v !== 'bigint') throw badWrite(kind, p, v);
        m.i64[(p + o) >>> 3] = v;
      };
  }
}

// The accessors `throw` what these return rather than calling something that throws: a call that
// V8 must assume returns would merge back into the fast path and cost it its cached loads.
function badRecordPtr(p: unknown): Error {
  if (p === 0) return new RangeError('p is 0, the null Ptr: it points at no record');
  if (typeof p !== 'number') return new TypeError(`p must be a number (a record's Ptr), got ${show(p)}`);
  return new RangeError(`p must be a positive number (a record's Ptr), got ${show(p)}`);
}

function badWrite(kind: FieldKind, p: unknown, v: unknown): Error {
  if (typeof p !== 'number' || !(p > 0)) return badRecordPtr(p);
  const wanted =
    kind === 'u64' || kind === 'i64'
      ? 'a bigint'
      : kind === 'bool'
        ? 'a boolean'
        : kind === 'ptr' || kind === 'str'
          ? 'a Ptr (a number from 0 to 2^32 - 1)'
          : 'a number';
  return new TypeError(`value must be ${wanted} for a ${kind} field, got ${show(v)}`);
}
