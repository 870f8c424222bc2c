// Helpers that compilers inject into function bodies and that a function shipped as source no
// longer finds in its thread (they lived at the top of the user's bundle). Each is written to
// the contract its compiler expects; `loadTask` hands them to every compiled function.

function setName(fn: unknown, value: string): unknown {
  return Object.defineProperty(fn as object, 'name', { value, configurable: true });
}

// Drives a generator that yields promises, as TypeScript's `__awaiter` and esbuild's `__async`
// do for async functions lowered below ES2017.
function driveGenerator(
  self: unknown,
  args: ArrayLike<unknown> | undefined,
  PromiseCtor: PromiseConstructor | undefined,
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

function omitKeys(
  source: Record<PropertyKey, unknown>,
  excluded: PropertyKey[],
): Record<PropertyKey, unknown> {
  const target: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(source)) {
    if (excluded.includes(key)) continue;
    if (Object.prototype.propertyIsEnumerable.call(source, key)) target[key] = source[key];
  }
  return target;
}

/** The helper names, in the order `helperValues` gives their implementations. */
export const helperNames = [
  '__name',
  '__awaiter',
  '__async',
  '__assign',
  '__spreadValues',
  '__spreadProps',
  '__rest',
  '__objRest',
  '__spreadArray',
  '__vite_ssr_dynamic_import__',
] as const;

export const helperValues: unknown[] = [
  setName,
  driveGenerator,
  (self: unknown, args: ArrayLike<unknown>, body: () => Generator) =>
    driveGenerator(self, args, Promise, body),
  Object.assign,
  Object.assign,
  (target: object, descriptors: PropertyDescriptorMap) => Object.defineProperties(target, descriptors),
  omitKeys,
  omitKeys,
  (to: unknown[], from: ArrayLike<unknown>) => to.concat(Array.from(from)),
  // Vitest rewrites `import(x)` in test files; in a thread the real dynamic import does the job.
  (specifier: string) => import(specifier),
];
