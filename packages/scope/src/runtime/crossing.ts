/**
 * The registered symbol under which a crossable object describes itself. Registered (not a
 * private `Symbol()`), so `@herd/herd` and `@herd/scope` agree on it without importing each other.
 *
 * @example
 * ```ts
 * class Counter {
 *   constructor(readonly cells = new Int32Array(new SharedArrayBuffer(4))) {}
 *   static fromShared(buffer: SharedArrayBuffer) { return new Counter(new Int32Array(buffer)); }
 *   [CROSSING](): Crossing {
 *     return { module: import.meta.url, revive: 'Counter.fromShared', data: this.cells.buffer };
 *   }
 * }
 * ```
 */
export const CROSSING: unique symbol = Symbol.for('@herd/crossing') as any;

/**
 * How a live object enters a thread: which module revives it there, from which data, and what the
 * sending side does once it was posted and once the thread is done with it.
 *
 * @example
 * ```ts
 * const crossing: Crossing = { module: import.meta.url, revive: 'Herd.fromShared', data: shared };
 * ```
 */
export interface Crossing {
  /** URL (file:// or bare specifier) of the module whose export revives the object. */
  module: string;
  /** Dotted path of the reviving function among the module's exports, e.g. `'Herd.fromShared'`. */
  revive: string;
  /** Structured-cloneable payload: SharedArrayBuffers and plain data. */
  data: unknown;
  /** Sending side, after a successful post: channel ends become spent here. */
  sent?(): void;
  /**
   * Sending side, once the receiving thread is done with the object: its task ended (`died`
   * false: the thread itself gave back what the task held), or the thread stopped mid-task
   * (`died` true: terminated, crashed or exited, so whatever it held or had half done must be
   * repaired here). Idempotent.
   */
  done?(threadId: number, died: boolean): void;
}

/**
 * An object that can cross into a thread live rather than by structured clone.
 *
 * @example
 * ```ts
 * const crossable: Crossable = { [CROSSING]: () => ({ module: 'my-lib', revive: 'revive', data: 1 }) };
 * ```
 */
export interface Crossable {
  [CROSSING](): Crossing;
}

/** The key that marks a revivable descriptor in the posted arguments. */
export const MARKER_KEY = '@herd/crossing';

/** What a crossable becomes on the wire. */
export interface CrossingMarker {
  [MARKER_KEY]: 1;
  module: string;
  revive: string;
  data: unknown;
}

/**
 * Whether `value` implements the crossing protocol.
 *
 * @example
 * ```ts
 * isCrossable(new Herd()); // true
 * isCrossable({}); // false
 * ```
 */
export function isCrossable(value: unknown): value is Crossable {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Partial<Crossable>)[CROSSING] === 'function'
  );
}

export function isMarker(value: unknown): value is CrossingMarker {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[MARKER_KEY] === 1 &&
    typeof (value as CrossingMarker).module === 'string' &&
    typeof (value as CrossingMarker).revive === 'string'
  );
}
