// How a thread finds a function another thread named by module and export path: a module task's
// `{ module, name }` and a crossing's `{ module, revive }` are both found here, once per thread.

type ExportedFunction = (...args: any[]) => unknown;

const found = new Map<string, Promise<ExportedFunction>>();

/**
 * The function at the dotted `path` (`'run'`, `'Herd.fromShared'`) among `module`'s exports,
 * imported once per thread and kept (a failed import is tried again next time). A method is
 * bound to the object it was found on, so `Herd.fromShared` keeps its `this`.
 *
 * @throws TypeError (through the promise) when there is no function at `path`, naming what the
 *   module does export
 * @example
 * ```ts
 * const revive = await exportedFunction('@herd/herd', 'Herd.fromShared');
 * ```
 */
export function exportedFunction(module: string, path: string): Promise<ExportedFunction> {
  const key = `${module}#${path}`;
  let lookup = found.get(key);
  if (lookup === undefined) {
    lookup = import(module).then((namespace: Record<string, unknown>) => find(namespace, module, path));
    found.set(key, lookup);
    lookup.catch(() => found.delete(key));
  }
  return lookup;
}

function find(namespace: Record<string, unknown>, module: string, path: string): ExportedFunction {
  let target: any = namespace;
  let owner: any;
  for (const part of path.split('.')) {
    owner = target;
    target = target == null ? undefined : target[part];
  }
  if (typeof target !== 'function') {
    const exported = Object.keys(namespace).join(', ') || 'nothing';
    throw new TypeError(`module ${module} has no function export '${path}' (it exports ${exported})`);
  }
  return owner === namespace ? target : target.bind(owner);
}
