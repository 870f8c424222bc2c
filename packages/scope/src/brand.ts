// The package ships several bundles (index, runtime, worker; ESM and CJS), each with its own copy
// of its classes. A registered-symbol brand on a class's prototype makes `instanceof` agree across
// the copies: an error decoded by `@herd/scope/runtime` is still `instanceof ThreadError` from
// `@herd/scope`, and a `Sender` made by the CJS build is a `Sender` to the ESM one.

/** The registered symbol that marks instances of the class `name`. */
export function brand(name: string): symbol {
  return Symbol.for(`@herd/scope/${name}`);
}

/** `instanceof` by brand for the class itself; a user's subclass keeps the ordinary check. */
export function isBranded(value: unknown, mark: symbol, self: Function, base: Function): boolean {
  if (self !== base) return Function.prototype[Symbol.hasInstance].call(self, value);
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[mark] === true;
}

/** Marks every instance of `ctor` (through its prototype) with `mark`. */
export function stamp(ctor: Function, mark: symbol): void {
  Object.defineProperty(ctor.prototype, mark, { value: true });
}
