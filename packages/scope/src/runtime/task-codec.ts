import { show } from '@herd/shared';
import { helperNames, helperValues } from './compiler-helpers.js';
import { exportedFunction } from './module-export.js';

/**
 * A module task: a named export of a module that the thread imports.
 *
 * @example
 * ```ts
 * const task: ModuleTask = { module: new URL('./work.js', import.meta.url), name: 'run' };
 * await scope((s) => {
 *   s.spawn(task, 'input'); // the thread runs run('input') from work.js
 * });
 * ```
 */
export interface ModuleTask {
  module: string | URL;
  name: string;
}

/**
 * What runs in a thread: an inline, self-contained function (shipped as source) or a module task,
 * an export of a module that the thread imports (for code that needs imports or helpers).
 *
 * @example
 * ```ts
 * const inline: Task = (a: number, b: number) => a + b;
 * const fromModule: Task = { module: new URL('./work.js', import.meta.url), name: 'run' };
 * ```
 */
export type Task = ((...args: any[]) => unknown) | ModuleTask;

/**
 * A task as it is posted to a thread.
 *
 * @example
 * ```ts
 * const wire: TaskWire = { kind: 'source', source: '(a, b) => a + b', name: 'add' };
 * ```
 */
export type TaskWire =
  | { kind: 'source'; source: string; name: string }
  | { kind: 'module'; module: string; name: string };

function moduleSpecifier(module: unknown, param: string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`${param}.module must be a URL or a non-empty string, got ${show(module)}`);
  }
  if (module.startsWith('./') || module.startsWith('../')) {
    throw new TypeError(
      `${param}.module must not be relative (${JSON.stringify(module)}): a thread resolves it against ` +
        `its own entry file; pass new URL(${JSON.stringify(module)}, import.meta.url)`,
    );
  }
  if (module.startsWith('/') || /^[A-Za-z]:[\\/]/.test(module)) return fileUrl(module);
  return module;
}

/** An absolute file path as a file:// URL (what `pathToFileURL` gives, without `node:url`). */
function fileUrl(path: string): string {
  const segments = path.replace(/\\/g, '/').split('/');
  const encoded = segments.map((segment) =>
    /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment),
  );
  return `file://${path.startsWith('/') ? '' : '/'}${encoded.join('/')}`;
}

/**
 * Turns a task into what is posted to a thread. A function crosses as its source text, so it
 * must be self-contained; bound, native functions and classes cannot cross.
 *
 * @param task - an inline function or `{ module, name }`
 * @param param - the parameter name to put in the error message
 * @throws TypeError naming `param` when `task` cannot cross
 * @example
 * ```ts
 * encodeTask((x: number) => x * 2, 'fn'); // { kind: 'source', source: '(x) => x * 2', name: '' }
 * encodeTask({ module: new URL('./work.js', import.meta.url), name: 'run' }, 'fn');
 * ```
 */
export function encodeTask(task: Task, param: string): TaskWire {
  if (typeof task === 'function') {
    const source = Function.prototype.toString.call(task);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw new TypeError(
        `${param} must be a function written in JavaScript, got ${show(task)} (native or bound ` +
          'functions have no source to send to a thread)',
      );
    }
    if (/^class\b/.test(source)) {
      throw new TypeError(`${param} must be a function, not a class (${task.name || 'anonymous'})`);
    }
    return { kind: 'source', source, name: task.name };
  }
  if (task !== null && typeof task === 'object' && 'module' in task && 'name' in task) {
    const name = (task as { name: unknown }).name;
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(`${param}.name must be a non-empty export name, got ${show(name)}`);
    }
    return { kind: 'module', module: moduleSpecifier((task as { module: unknown }).module, param), name };
  }
  throw new TypeError(`${param} must be a function or { module, name }, got ${show(task)}`);
}

type Loaded = (...args: any[]) => unknown;
const compiled = new Map<string, Promise<Loaded>>();

function compile(source: string, name: string): Loaded {
  const sourceURL = `\n//# sourceURL=herd-task:${encodeURIComponent(name || 'anonymous')}`;
  let expression: unknown;
  try {
    expression = new Function(...helperNames, `'use strict';\nreturn (${source}\n);${sourceURL}`)(
      ...helperValues,
    );
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Method shorthand (`run(x) { ... }`, `async run() {}`) is not an expression on its own.
    const holder = new Function(...helperNames, `'use strict';\nreturn ({ ${source}\n});${sourceURL}`)(
      ...helperValues,
    ) as Record<string, unknown>;
    expression = Object.values(holder)[0];
  }
  if (typeof expression !== 'function') {
    throw new TypeError(`the task ${name || '(anonymous)'} did not compile to a function`);
  }
  return expression as Loaded;
}

/**
 * The thread side of `encodeTask`: compiles the source (or imports the module) once per thread
 * and caches the function. Compiled functions find the helpers that esbuild (`__name` under
 * keepNames, `__async`) and TypeScript (`__awaiter`, `__rest`, ...) inject into bodies.
 *
 * @param wire - a task as posted
 * @returns the callable function
 * @example
 * ```ts
 * const fn = await loadTask({ kind: 'source', source: '(a, b) => a + b', name: 'add' });
 * fn(1, 2); // 3
 * ```
 */
export function loadTask(wire: TaskWire): Promise<Loaded> {
  if (wire.kind === 'module') return exportedFunction(wire.module, wire.name) as Promise<Loaded>;
  let loaded = compiled.get(wire.source);
  if (!loaded) {
    loaded = new Promise<Loaded>((resolve) => resolve(compile(wire.source, wire.name)));
    compiled.set(wire.source, loaded);
    loaded.catch(() => compiled.delete(wire.source));
  }
  return loaded;
}
