import { show } from '@herd/shared';
import type { Arena } from './arena.js';
import type { Ptr } from './memory.js';
import { utf8Length } from './utf8.js';
import { checkArena, checkSize } from './validate.js';

/** Byte capacity of the first allocation when a string grows from empty. */
const FIRST_CAPACITY = 16;

/**
 * A string built piece by piece inside an arena, like `bumpalo::collections::String`. It is
 * stored the way `allocStr` stores a string (a u32 byte length, then UTF-8) and keeps that
 * length current, so `memory.str(builder.ptr)` reads the text so far at any moment, and the Ptr
 * can be kept or sent once building is done. Grows like `BumpVec`: in place while it is the
 * arena's newest allocation, else by moving.
 *
 * @example
 * ```ts
 * const bump = new Bump();
 * const s = new BumpString(bump);
 * s.push('Hello, ').push('wörld');
 * s.toString();             // 'Hello, wörld'
 * const p = s.finish();     // gives back the spare room, returns the Ptr
 * bump.memory.str(p);       // 'Hello, wörld'
 * ```
 */
export class BumpString {
  /** The arena the text lives in. */
  readonly arena: Arena;
  private start: Ptr;
  private bytes = 0;
  private cap: number;

  /**
   * @param arena - the arena to allocate from: a `Bump` or a herd `Member`
   * @param capacity - bytes of UTF-8 to make room for at once
   * @defaultValue capacity 0
   * @throws {TypeError} when `arena` is not an arena
   * @throws {AllocError} when the arena has no room
   * @example
   * ```ts
   * const line = new BumpString(new Bump(), 80); // room for 80 bytes before it grows
   * ```
   */
  constructor(arena: Arena, capacity = 0) {
    checkArena(arena, 'arena');
    checkSize(capacity, 'capacity', 2 ** 32 - 4);
    this.arena = arena;
    this.start = arena.alloc(4 + capacity, 4);
    this.cap = capacity;
    arena.memory.u32[this.start >>> 2] = 0;
  }

  /**
   * A builder holding `s`.
   *
   * @example
   * ```ts
   * const s = BumpString.from(new Bump(), 'abc').push('def');
   * s.toString(); // 'abcdef'
   * ```
   */
  static from(arena: Arena, s: string): BumpString {
    checkArena(arena, 'arena');
    if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${show(s)}`);
    return new BumpString(arena, utf8Length(s)).push(s);
  }

  /** Ptr to the string, readable by `memory.str(ptr)` at any moment. Changes when the builder moves. */
  get ptr(): Ptr {
    return this.start;
  }

  /** Bytes of UTF-8 written so far. */
  get byteLength(): number {
    return this.bytes;
  }

  /** Bytes of UTF-8 the builder holds before it must grow. */
  get capacity(): number {
    return this.cap;
  }

  /**
   * Appends `s` (as UTF-8; lone surrogates become U+FFFD, as `TextEncoder` does) and returns the
   * builder, for chaining.
   *
   * @throws {TypeError} when `s` is not a string
   * @throws {AllocError} when the builder must grow and the arena has no room; it is then unchanged
   * @example
   * ```ts
   * const s = new BumpString(new Bump());
   * s.push('a').push('b');
   * s.toString(); // 'ab'
   * ```
   */
  push(s: string): this {
    if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${show(s)}`);
    // The worst case (3 bytes a UTF-16 unit) decides without measuring when there is room;
    // otherwise measure, so the builder grows to what it needs and no more.
    if (this.bytes + s.length * 3 > this.cap) {
      const needed = this.bytes + utf8Length(s);
      if (needed > this.cap) this.resize(Math.max(needed, this.cap * 2, FIRST_CAPACITY));
    }
    const m = this.arena.memory;
    this.bytes += m.writeUtf8(s, this.start + 4 + this.bytes);
    m.u32[this.start >>> 2] = this.bytes;
    return this;
  }

  /** Empties the builder and keeps its capacity. */
  clear(): void {
    this.bytes = 0;
    this.arena.memory.u32[this.start >>> 2] = 0;
  }

  /**
   * Gives back the spare capacity when the builder is the arena's newest allocation, and returns
   * the Ptr of the string (as `allocStr` would have). The builder stays usable.
   *
   * @example
   * ```ts
   * const bump = new Bump();
   * const s = new BumpString(bump, 64).push('done');
   * const p = s.finish(); // the 64 bytes shrink to the 4 written
   * bump.memory.str(p);   // 'done'
   * ```
   */
  finish(): Ptr {
    this.start = this.arena.grow(this.start, 4 + this.cap, 4 + this.bytes, 4);
    this.cap = this.bytes;
    return this.start;
  }

  /** The text so far, decoded. */
  toString(): string {
    return this.arena.memory.str(this.start);
  }

  private resize(capacity: number): void {
    this.start = this.arena.grow(this.start, 4 + this.cap, 4 + capacity, 4);
    this.cap = capacity;
  }
}
