// Identity across bundles and threads, the one way every Herd package does it. A package ships
// several bundles (ESM and CJS, a runtime entry, worker entries, a browser build), each with its own
// copy of its classes, and an error thrown in one thread is rebuilt in another. So a class whose
// instances cross bundles or threads calls `herdClass(Class, 'Name')` once, which
// - stamps its prototype with the registered symbol `Symbol.for('@herd/class/<Name>')` and makes
//   `instanceof Class` check that stamp (for the class itself; a user's subclass keeps the ordinary
//   check), so an instance made by any copy is an instance of every copy;
// - lists an error class by name under `Symbol.for('@herd/error-classes')`, where `decodeError`
//   finds it to rebuild an error that crossed from a thread as its own class.
// Each Herd package bundles its own copy of this file (users install the packages one by one), so
// the registered symbols are the contract, and every copy agrees.

import { show } from './show.js';

type Constructor = abstract new (...args: never[]) => object;

const ERROR_CLASSES = Symbol.for('@herd/error-classes');

function errorClasses(): Map<string, Constructor> {
  const global = globalThis as unknown as Record<symbol, Map<string, Constructor> | undefined>;
  let classes = global[ERROR_CLASSES];
  if (classes === undefined) {
    classes = new Map();
    Object.defineProperty(globalThis, ERROR_CLASSES, { value: classes });
  }
  return classes;
}

/**
 * Gives `ctor` an identity by `name` that holds across bundles and threads (see above). Your own
 * error classes can use it too: registered in both threads (define it in the module the task
 * comes from), an error of that class thrown in a thread is rethrown as that class.
 *
 * @example
 * ```ts
 * export class TimeoutError extends Error {
 *   override readonly name = 'TimeoutError';
 * }
 * herdClass(TimeoutError, 'TimeoutError');
 * ```
 */
export function herdClass(ctor: Constructor, name: string): void {
  if (typeof ctor !== 'function' || typeof ctor.prototype !== 'object') {
    throw new TypeError(`ctor must be a class, got ${show(ctor)}`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`name must be a non-empty string, got ${show(name)}`);
  }
  const mark = Symbol.for(`@herd/class/${name}`);
  Object.defineProperty(ctor.prototype, mark, { value: true });
  Object.defineProperty(ctor, Symbol.hasInstance, {
    value(this: Constructor, value: unknown): boolean {
      if (this !== ctor) return Function.prototype[Symbol.hasInstance].call(this, value);
      return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[mark] === true;
    },
  });
  if (ctor.prototype instanceof Error) errorClasses().set(name, ctor);
}

/**
 * The error class a Herd package listed under `name`, in this thread, if any.
 *
 * @example
 * ```ts
 * errorClass('AllocError'); // the class, once @herd/bump is loaded here
 * ```
 */
export function errorClass(name: string): (new (message?: string) => Error) | undefined {
  return errorClasses().get(name) as (new (message?: string) => Error) | undefined;
}
