// Helpers that compilers put into function bodies and that a function shipped as source no longer
// finds in its thread (they lived at the top of the user's bundle). Each is written to the
// contract its compiler calls it with — esbuild's when lowering for ES2015-ES2022 or keeping names,
// TypeScript's when targeting ES2015-ES2022, Vite's — and checked against their real output
// (test/compiler-helpers.test.ts compiles functions with both and runs them in a thread).
// `loadTask` hands them to every compiled function by name.
//
// Not provided: ES5 targets (`__generator`, `__extends`, `__values`, …) and lowered async
// generators (`__asyncGenerator`, `__await`: esbuild's and TypeScript's disagree under one name).

type AnyFunction = (...args: any[]) => any;
type Members = WeakMap<object, unknown> | WeakSet<object>;

// --- shared by both compilers ---

/** esbuild `__name(fn, name)`: keepNames. */
function setName(target: unknown, value: string): unknown {
  return Object.defineProperty(target as object, 'name', { value, configurable: true });
}

/** Drives a generator that yields promises: an async function lowered below ES2017. */
function driveGenerator(
  self: unknown,
  args: ArrayLike<unknown> | null | undefined,
  PromiseCtor: PromiseConstructor | null | undefined,
  body: (...a: unknown[]) => Generator<unknown, unknown, unknown>,
): Promise<unknown> {
  const Ctor = PromiseCtor ?? Promise;
  return new Ctor((resolve, reject) => {
    const iterator = body.apply(self, Array.from(args ?? []));
    const advance = (method: 'next' | 'throw', input: unknown) => {
      let step: IteratorResult<unknown>;
      try {
        step = iterator[method](input);
      } catch (error) {
        reject(error);
        return;
      }
      if (step.done) resolve(step.value);
      else
        Ctor.resolve(step.value).then(
          (value) => advance('next', value),
          (error) => advance('throw', error),
        );
    };
    advance('next', undefined);
  });
}

/** An object rest (`const { a, ...rest } = o`): own enumerable properties but the excluded. */
function omitKeys(
  source: Record<PropertyKey, unknown>,
  excluded: PropertyKey[],
): Record<PropertyKey, unknown> {
  const target: Record<PropertyKey, unknown> = {};
  if (source == null) return target;
  for (const key of Reflect.ownKeys(source)) {
    if (excluded.includes(key)) continue;
    if (Object.prototype.propertyIsEnumerable.call(source, key)) target[key] = source[key];
  }
  return target;
}

/** Defines a data property as a class field or an object spread does (not through a setter). */
function defineField(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

// --- esbuild ---

/** `__spreadValues(a, b)`: copies b's own enumerable properties onto a, as `{ ...a, ...b }`. */
function spreadValues(target: Record<PropertyKey, unknown>, source: Record<PropertyKey, unknown> | null) {
  if (source == null) return target;
  for (const key of Reflect.ownKeys(source)) {
    if (Object.prototype.propertyIsEnumerable.call(source, key)) defineField(target, key, source[key]);
  }
  return target;
}

/** `__spreadProps(a, b)`: b's own property descriptors onto a (b is a plain object literal). */
function spreadProps(target: object, source: object): object {
  return Object.defineProperties(target, Object.getOwnPropertyDescriptors(source));
}

function checkMember(obj: object, member: Members, what: string): void {
  if (!member.has(obj)) throw new TypeError(`Cannot ${what}`);
}

function privateGet(obj: object, member: Members, getter?: AnyFunction): unknown {
  checkMember(obj, member, 'read from private field');
  return getter ? getter.call(obj) : (member as WeakMap<object, unknown>).get(obj);
}

function privateSet(obj: object, member: Members, value: unknown, setter?: AnyFunction): unknown {
  checkMember(obj, member, 'write to private field');
  if (setter) setter.call(obj, value);
  else (member as WeakMap<object, unknown>).set(obj, value);
  return value;
}

function privateAdd(obj: object, member: Members, value?: unknown): void {
  if (member.has(obj)) throw new TypeError('Cannot add the same private member more than once');
  if (member instanceof WeakSet) member.add(obj);
  else member.set(obj, value);
}

function privateMethod(obj: object, member: Members, method: AnyFunction): AnyFunction {
  checkMember(obj, member, 'access private method');
  return method;
}

function privateIn(member: Members, obj: unknown): boolean {
  if (Object(obj) !== obj) throw new TypeError('Cannot use the "in" operator on this value');
  return member.has(obj as object);
}

/** `__privateWrapper`: a `{ _ }` whose accessors read and write the field (`this.#x++`). */
function privateWrapper(obj: object, member: Members, setter?: AnyFunction, getter?: AnyFunction) {
  return {
    set _(value: unknown) {
      privateSet(obj, member, value, setter);
    },
    get _(): unknown {
      return privateGet(obj, member, getter);
    },
  };
}

/** `__publicField(obj, key, value)`: a class field lowered to a definition. */
function publicField(obj: object, key: PropertyKey, value: unknown): unknown {
  defineField(obj, typeof key === 'symbol' ? key : `${String(key)}`, value);
  return value;
}

const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');
const ASYNC_DISPOSE: symbol =
  (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose');

/** The dispose method of a `using` (or `await using`) value; sync ones wrapped for `await using`. */
function disposerOf(value: Record<symbol, unknown>, async: boolean): AnyFunction {
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('Object expected');
  let dispose = async ? value[ASYNC_DISPOSE] : undefined;
  let wrapped = false;
  if (dispose === undefined) {
    dispose = value[DISPOSE];
    wrapped = async;
  }
  if (typeof dispose !== 'function') throw new TypeError('Object not disposable');
  if (!wrapped) return dispose as AnyFunction;
  const inner = dispose as AnyFunction;
  return function (this: unknown) {
    try {
      inner.call(this);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function suppressed(error: unknown, suppressedError: unknown): Error {
  const Suppressed = (globalThis as { SuppressedError?: new (e: unknown, s: unknown, m: string) => Error })
    .SuppressedError;
  const message = 'An error was suppressed during disposal';
  if (Suppressed) return new Suppressed(error, suppressedError, message);
  return Object.assign(new Error(message), { name: 'SuppressedError', error, suppressed: suppressedError });
}

/** esbuild `__using(stack, value, async)`: registers a resource of a `using` declaration. */
function esbuildUsing(stack: unknown[][], value: unknown, async?: boolean): unknown {
  if (value != null) stack.push([async, disposerOf(value as Record<symbol, unknown>, async === true), value]);
  else if (async) stack.push([async]);
  return value;
}

/** esbuild `__callDispose(stack, error, hasError)`: disposes in reverse, rethrowing what failed. */
function esbuildCallDispose(stack: unknown[][], error: unknown, hasError: boolean): unknown {
  const fail = (e: unknown) => {
    error = hasError ? suppressed(e, error) : e;
    hasError = true;
  };
  const next = (): unknown => {
    for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
      try {
        const [async, dispose, value] = entry as [boolean, AnyFunction | undefined, unknown];
        const result = dispose?.call(value);
        if (async)
          return Promise.resolve(result).then(next, (e) => {
            fail(e);
            return next();
          });
      } catch (e) {
        fail(e);
      }
    }
    if (hasError) throw error;
    return undefined;
  };
  return next();
}

// --- TypeScript ---

/** `__spreadArray(to, from, pack)`: `[...to, ...from]` (holes kept unless `pack`). */
function spreadArray(to: unknown[], from: ArrayLike<unknown>, pack?: boolean): unknown[] {
  return to.concat(pack === false ? Array.prototype.slice.call(from) : Array.from(from));
}

/** `__classPrivateFieldGet(receiver, state, kind, f)`: kind 'f' field, 'a' accessor, 'm' method. */
function classPrivateFieldGet(
  receiver: object,
  state: Members | AnyFunction,
  kind?: string,
  f?: any,
): unknown {
  if (kind === 'a' && !f) throw new TypeError('Private accessor was defined without a getter');
  if (typeof state === 'function' ? receiver !== state || !f : !state.has(receiver)) {
    throw new TypeError('Cannot read private member from an object whose class did not declare it');
  }
  if (kind === 'm') return f;
  if (kind === 'a') return f.call(receiver);
  return f ? f.value : (state as WeakMap<object, unknown>).get(receiver);
}

function classPrivateFieldSet(
  receiver: object,
  state: Members | AnyFunction,
  value: unknown,
  kind?: string,
  f?: any,
): unknown {
  if (kind === 'm') throw new TypeError('Private method is not writable');
  if (kind === 'a' && !f) throw new TypeError('Private accessor was defined without a setter');
  if (typeof state === 'function' ? receiver !== state || !f : !state.has(receiver)) {
    throw new TypeError('Cannot write private member to an object whose class did not declare it');
  }
  if (kind === 'a') f.call(receiver, value);
  else if (f) f.value = value;
  else (state as WeakMap<object, unknown>).set(receiver, value);
  return value;
}

function classPrivateFieldIn(state: Members | AnyFunction, receiver: unknown): boolean {
  if (receiver === null || (typeof receiver !== 'object' && typeof receiver !== 'function')) {
    throw new TypeError("Cannot use 'in' operator on non-object");
  }
  return typeof state === 'function' ? receiver === state : state.has(receiver as object);
}

interface DisposeEnv {
  stack: { value?: unknown; dispose?: AnyFunction; async: boolean }[];
  error: unknown;
  hasError: boolean;
}

/** `__addDisposableResource(env, value, async)`: registers a resource of a `using` declaration. */
function addDisposableResource(env: DisposeEnv, value: unknown, async: boolean): unknown {
  if (value != null)
    env.stack.push({ value, dispose: disposerOf(value as Record<symbol, unknown>, async), async });
  else if (async) env.stack.push({ async: true });
  return value;
}

/**
 * `__disposeResources(env)`: disposes in reverse; returns a promise when an `await using` took
 * part, else throws synchronously what failed (several: a SuppressedError chain).
 */
function disposeResources(env: DisposeEnv): unknown {
  const fail = (e: unknown) => {
    env.error = env.hasError ? suppressed(e, env.error) : e;
    env.hasError = true;
  };
  // 1: a null `await using` was met (its await is still due); 2: an async dispose ran.
  let state = 0;
  const next = (): unknown => {
    for (let entry = env.stack.pop(); entry !== undefined; entry = env.stack.pop()) {
      try {
        if (!entry.async && state === 1) {
          state = 0;
          env.stack.push(entry);
          return Promise.resolve().then(next);
        }
        if (entry.dispose) {
          const result = entry.dispose.call(entry.value);
          if (entry.async) {
            state |= 2;
            return Promise.resolve(result).then(next, (e) => {
              fail(e);
              return next();
            });
          }
        } else state |= 1;
      } catch (e) {
        fail(e);
      }
    }
    if (state === 1) return env.hasError ? Promise.reject(env.error) : Promise.resolve();
    if (env.hasError) throw env.error;
    return undefined;
  };
  return next();
}

// Vite's dev server rewrites `import(x)` in page code to `import(__vite__injectQuery(x, 'import'))`
// (its helper marks root-relative URLs as modules); this is the same function, as Vite defines it.
function viteInjectQuery(url: string, query: string): string {
  if (url[0] !== '.' && url[0] !== '/') return url;
  const pathname = url.replace(/[?#].*$/, '');
  const { search, hash } = new URL(url, 'http://vite.dev');
  return `${pathname}?${query}${search ? `&${search.slice(1)}` : ''}${hash || ''}`;
}

/** The helper names, in the order `helperValues` gives their implementations. */
export const helperNames = [
  '__name',
  '__async',
  '__spreadValues',
  '__spreadProps',
  '__objRest',
  '__publicField',
  '__privateGet',
  '__privateSet',
  '__privateAdd',
  '__privateMethod',
  '__privateIn',
  '__privateWrapper',
  '__using',
  '__callDispose',
  '__awaiter',
  '__assign',
  '__rest',
  '__spreadArray',
  '__classPrivateFieldGet',
  '__classPrivateFieldSet',
  '__classPrivateFieldIn',
  '__addDisposableResource',
  '__disposeResources',
  '__vite_ssr_dynamic_import__',
  '__vite__injectQuery',
] as const;

export const helperValues: unknown[] = [
  setName,
  (self: unknown, args: ArrayLike<unknown> | null, body: () => Generator) =>
    driveGenerator(self, args, Promise, body),
  spreadValues,
  spreadProps,
  omitKeys,
  publicField,
  privateGet,
  privateSet,
  privateAdd,
  privateMethod,
  privateIn,
  privateWrapper,
  esbuildUsing,
  esbuildCallDispose,
  driveGenerator,
  Object.assign,
  omitKeys,
  spreadArray,
  classPrivateFieldGet,
  classPrivateFieldSet,
  classPrivateFieldIn,
  addDisposableResource,
  disposeResources,
  // Vitest rewrites `import(x)` in test files; in a thread the real dynamic import does the job.
  (specifier: string) => import(specifier),
  viteInjectQuery,
];
