import {
  type ElementOf,
  isBigIntKind,
  show,
  type TypedArray,
  type TypedArrayConstructor,
} from '@herd/shared';
import type { Arena } from './arena.js';
import type { Ptr } from './memory.js';
import { checkArena, checkCtor, checkLength } from './validate.js';

type Indexable<E> = { [index: number]: E };

/** Capacity of the first allocation when a vector grows from empty: small vectors stay small. */
const FIRST_CAPACITY = 4;

/**
 * A growable vector of numbers (or bigints) stored in an arena, like `bumpalo::collections::Vec`:
 * no JS array behind it, its elements live at `ptr` in the arena's memory. It grows by doubling;
 * while it is the arena's newest allocation it grows in place, as bumpalo's `realloc` does,
 * otherwise it moves to a new allocation (the old one is freed by the arena's `reset`).
 *
 * Works on any `Arena`: a `Bump` or a herd `Member`. Like every allocation, it is invalid after
 * the arena's `reset()`.
 *
 * @typeParam T - the typed array kind of its elements, e.g. `Float64Array`
 * @example
 * ```ts
 * const bump = new Bump();
 * const xs = new BumpVec(bump, Float64Array);
 * xs.push(1.5);
 * xs.push(2.5);
 * xs.get(1);          // 2.5
 * [...xs];            // [1.5, 2.5]
 * xs.asView();        // Float64Array [1.5, 2.5], a view into the arena
 * ```
 */
export class BumpVec<T extends TypedArray> implements Iterable<ElementOf<T>> {
  /** The arena the elements live in. */
  readonly arena: Arena;
  private readonly ctor: TypedArrayConstructor<T>;
  private readonly bytesPerElement: number;
  private readonly bigint: boolean;
  private start: Ptr = 0;
  private len = 0;
  private cap = 0;
  /** A view of all `cap` elements, re-made whenever the storage moves or grows. */
  private items: Indexable<ElementOf<T>>;

  /**
   * @param arena - the arena to allocate from: a `Bump` or a herd `Member`
   * @param Ctor - the element kind, e.g. `Float64Array`, `Uint32Array`, `BigInt64Array`
   * @param capacity - elements to make room for at once
   * @defaultValue capacity 0: nothing is allocated until the first push
   * @throws {TypeError} when `arena` is not an arena or `Ctor` not a typed array constructor
   * @throws {AllocError} when the arena has no room for `capacity` elements
   * @example
   * ```ts
   * const ids = new BumpVec(new Bump(), Uint32Array, 1024);
   * ids.capacity; // 1024
   * ```
   */
  constructor(arena: Arena, Ctor: TypedArrayConstructor<T>, capacity = 0) {
    checkArena(arena, 'arena');
    const ctor = checkCtor<T>(Ctor);
    this.arena = arena;
    this.ctor = ctor;
    this.bytesPerElement = ctor.BYTES_PER_ELEMENT;
    this.bigint = isBigIntKind(ctor);
    checkLength(capacity, 'capacity', this.bytesPerElement, 2 ** 32);
    this.items = new ctor(arena.memory.buffer, 0, 0) as unknown as Indexable<ElementOf<T>>;
    if (capacity > 0) this.resize(capacity);
  }

  /** Number of elements. */
  get length(): number {
    return this.len;
  }

  /** Number of elements the vector holds before it must grow. */
  get capacity(): number {
    return this.cap;
  }

  /** Ptr to the first element (`0` while nothing is allocated). Elements are contiguous. */
  get ptr(): Ptr {
    return this.start;
  }

  /**
   * Appends `value` and returns the new length.
   *
   * @throws {TypeError} when `value` is not a number (a bigint for the 64-bit integer kinds)
   * @throws {AllocError} when the vector must grow and the arena has no room; the vector is unchanged
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Float64Array);
   * xs.push(3); // 1
   * ```
   */
  push(value: ElementOf<T>): number {
    if (typeof value !== (this.bigint ? 'bigint' : 'number')) this.badValue(value);
    const len = this.len;
    if (len === this.cap) this.resize(this.grownCapacity(len + 1));
    this.items[len] = value;
    return (this.len = len + 1);
  }

  /**
   * Removes the last element and returns it, or `undefined` when the vector is empty.
   *
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Int32Array);
   * xs.extend([1, 2]);
   * xs.pop(); // 2
   * xs.pop(); // 1
   * xs.pop(); // undefined
   * ```
   */
  pop(): ElementOf<T> | undefined {
    if (this.len === 0) return undefined;
    return this.items[--this.len];
  }

  /**
   * The element at `index`.
   *
   * @throws {RangeError} when `index` is not an integer from 0 to `length - 1`
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), BigUint64Array);
   * xs.push(7n);
   * xs.get(0); // 7n
   * ```
   */
  get(index: number): ElementOf<T> {
    if (typeof index !== 'number' || index >>> 0 !== index || index >= this.len) this.badIndex(index);
    return this.items[index]!;
  }

  /**
   * Replaces the element at `index`.
   *
   * @throws {RangeError} when `index` is not an integer from 0 to `length - 1`
   * @throws {TypeError} when `value` is not of the vector's element type
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Uint8Array);
   * xs.push(1);
   * xs.set(0, 42);
   * ```
   */
  set(index: number, value: ElementOf<T>): void {
    if (typeof index !== 'number' || index >>> 0 !== index || index >= this.len) this.badIndex(index);
    if (typeof value !== (this.bigint ? 'bigint' : 'number')) this.badValue(value);
    this.items[index] = value;
  }

  /**
   * Appends every value of `values`.
   *
   * @throws {TypeError} when a value is not of the vector's element type; the values before it stay
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Float64Array);
   * xs.extend([1, 2, 3]);
   * xs.extend(new Float64Array([4, 5]));
   * xs.length; // 5
   * ```
   */
  extend(values: Iterable<ElementOf<T>> | ArrayLike<ElementOf<T>>): void {
    if (values === null || typeof values !== 'object') {
      throw new TypeError(`values must be an iterable or array-like, got ${show(values)}`);
    }
    const list = Symbol.iterator in values ? values : Array.from(values as ArrayLike<ElementOf<T>>);
    if ('length' in list && typeof list.length === 'number') this.reserve(list.length);
    for (const value of list as Iterable<ElementOf<T>>) this.push(value);
  }

  /**
   * Makes room for at least `additional` more elements without growing again.
   *
   * @throws {RangeError} when `additional` is not a non-negative integer
   * @throws {AllocError} when the arena has no room
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Float64Array);
   * xs.reserve(1000); // the next 1000 pushes allocate nothing
   * ```
   */
  reserve(additional: number): void {
    checkLength(additional, 'additional', this.bytesPerElement, 2 ** 32);
    if (this.len + additional > this.cap) this.resize(this.grownCapacity(this.len + additional));
  }

  /**
   * Shortens the vector to `length` elements; does nothing when it is already shorter.
   *
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Float64Array);
   * xs.extend([1, 2, 3]);
   * xs.truncate(1);
   * [...xs]; // [1]
   * ```
   */
  truncate(length: number): void {
    checkLength(length, 'length', this.bytesPerElement, 2 ** 32);
    if (length < this.len) this.len = length;
  }

  /** Removes every element and keeps the capacity. */
  clear(): void {
    this.len = 0;
  }

  /**
   * A view of the elements, for bulk reads and writes. It stays correct until the vector grows
   * (which may move it); take a new one after pushing.
   *
   * @example
   * ```ts
   * const xs = new BumpVec(new Bump(), Float64Array);
   * xs.extend([1, 2, 3]);
   * const sum = xs.asView().reduce((a, b) => a + b, 0); // 6
   * ```
   */
  asView(): T {
    return new this.ctor(this.arena.memory.buffer, this.start, this.len);
  }

  /** Iterates over the elements, first to last. */
  *[Symbol.iterator](): IterableIterator<ElementOf<T>> {
    for (let i = 0; i < this.len; i++) yield this.items[i]!;
  }

  private grownCapacity(needed: number): number {
    return Math.max(needed, this.cap * 2, FIRST_CAPACITY);
  }

  private resize(capacity: number): void {
    const bpe = this.bytesPerElement;
    const start =
      this.cap === 0
        ? this.arena.alloc(capacity * bpe, bpe)
        : this.arena.grow(this.start, this.cap * bpe, capacity * bpe, bpe);
    this.items = new this.ctor(this.arena.memory.buffer, start, capacity) as unknown as Indexable<
      ElementOf<T>
    >;
    this.start = start;
    this.cap = capacity;
  }

  private badIndex(index: unknown): never {
    if (typeof index !== 'number') throw new TypeError(`index must be a number, got ${show(index)}`);
    throw new RangeError(`index must be an integer from 0 to ${this.len - 1}, got ${show(index)}`);
  }

  private badValue(value: unknown): never {
    throw new TypeError(
      `value must be a ${this.bigint ? 'bigint' : 'number'} for a ${this.ctor.name} vector, got ${show(value)}`,
    );
  }
}
