import { errorClass } from '@herd/shared';

/**
 * An error (or any thrown value) as it crosses back from a thread. Everything in it is
 * structured-cloneable; own properties that are not are sent as their `String()`.
 *
 * @example
 * ```ts
 * const wire: ErrorWire = encodeError(new RangeError('too big'));
 * decodeError(wire) instanceof RangeError; // true
 * ```
 */
export type ErrorWire =
  | {
      kind: 'error';
      /** The class to rebuild: a built-in (`TypeError`, `DOMException`, ...), one of Herd's, else `Error`. */
      type: string;
      name: string;
      message: string;
      stack: string | undefined;
      /** Present when the error had an own `cause` (even `undefined`). */
      cause?: { value: ErrorWire };
      /** `AggregateError`'s `errors`. */
      errors?: ErrorWire[];
      props: Record<string, unknown>;
    }
  | { kind: 'value'; value: unknown };

type ErrorCtor = new (message?: string) => Error;

const builtins: Record<string, ErrorCtor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const MAX_DEPTH = 16;
const skipped = new Set(['message', 'stack', 'cause', 'errors', 'name']);

function cloneable(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

function typeOf(error: Error): string {
  if (typeof DOMException !== 'undefined' && error instanceof DOMException) return 'DOMException';
  if (error instanceof AggregateError) return 'AggregateError';
  // A Herd class, whichever package and bundle made it (herd-class.ts): by the name it answers to.
  const name = String(error.name);
  const herd = errorClass(name);
  if (herd !== undefined && error instanceof herd) return name;
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = proto.constructor as Function | undefined;
    if (ctor && builtins[ctor.name] === ctor) return ctor.name;
  }
  return 'Error';
}

function encode(error: unknown, depth: number): ErrorWire {
  if (!(error instanceof Error) || depth > MAX_DEPTH) return { kind: 'value', value: cloneable(error) };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (!skipped.has(key)) props[key] = cloneable((error as unknown as Record<string, unknown>)[key]);
  }
  const wire: ErrorWire = {
    kind: 'error',
    type: typeOf(error),
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === 'string' ? error.stack : undefined,
    props,
  };
  if (Object.hasOwn(error, 'cause')) wire.cause = { value: encode(error.cause, depth + 1) };
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    wire.errors = error.errors.map((inner) => encode(inner, depth + 1));
  }
  return wire;
}

/**
 * Encodes what a thread threw: class, name, message, stack, `cause` (recursively), an
 * `AggregateError`'s `errors`, and own properties (`code`, `errno`, ...). A thrown non-error
 * value crosses as itself when it can be cloned, else as its `String()`.
 *
 * @param error - anything thrown
 * @returns a structured-cloneable description
 * @example
 * ```ts
 * const wire = encodeError(new TypeError('bad input')); // in the thread: structured-cloneable
 * declare const port: ThreadPort;
 * port.post({ error: wire });
 * ```
 */
export function encodeError(error: unknown): ErrorWire {
  return encode(error, 0);
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Rebuilds an error from `encodeError`'s description. Built-in classes (`TypeError`,
 * `AggregateError`, `DOMException`, ...) and Herd's own errors come back as themselves; any
 * other class comes back as an `Error` that keeps its `name`.
 *
 * @param wire - an error as posted
 * @returns an `Error` (or, for a thrown non-error, the value itself)
 * @example
 * ```ts
 * const error = decodeError(encodeError(new TypeError('bad input')));
 * error instanceof TypeError; // true
 * ```
 */
export function decodeError(wire: ErrorWire): Error {
  return decode(wire) as Error;
}

function decode(wire: ErrorWire): unknown {
  if (wire.kind === 'value') return wire.value;
  let error: Error;
  if (wire.type === 'AggregateError') {
    error = new AggregateError((wire.errors ?? []).map(decode), wire.message);
  } else if (wire.type === 'DOMException' && typeof DOMException !== 'undefined') {
    error = new DOMException(wire.message, wire.name);
  } else if (builtins[wire.type]) {
    error = new builtins[wire.type]!(wire.message);
  } else {
    // A Herd class (herd-class.ts): made without running its constructor, whose parameters vary;
    // its own properties (a ThreadError's index, an AllocError's size) come below.
    const ctor = errorClass(wire.type);
    error = ctor ? (Object.create(ctor.prototype) as Error) : new Error(wire.message);
    if (ctor) define(error, 'message', wire.message);
  }
  if (error.name !== wire.name) define(error, 'name', wire.name);
  define(error, 'stack', wire.stack);
  if (wire.cause) define(error, 'cause', decode(wire.cause.value));
  for (const [key, value] of Object.entries(wire.props)) {
    try {
      (error as unknown as Record<string, unknown>)[key] = value;
    } catch {
      define(error, key, value);
    }
  }
  return error;
}
