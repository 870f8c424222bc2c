// Callbacks as users pass them: checked on the calling thread; both sides refuse one that returns
// a Promise (`isThenable`, `notSyncError`).
import type { ModuleTask } from '@herd/scope';
import { show } from '@herd/shared';

/**
 * A callback: a self-contained function (shipped as source text) or a module task
 * (`ModuleTask` of `@herd/scope`: the worker imports `module` once and calls its export `name`),
 * for callbacks that import other modules or call helpers.
 *
 * @example
 * ```ts
 * const double: Task<(x: number) => number> = (x) => x * 2;
 * const square: Task<(x: number) => number> = { module: new URL('./square.js', import.meta.url), name: 'square' };
 * await par([1, 2, 3]).map(double).map(square).collect(); // [4, 16, 36]
 * ```
 */
export type Task<F extends (...args: any[]) => unknown> = F | ModuleTask;

/** Whether `value` has the shape of a module task. */
export function isModuleTask(value: unknown): value is ModuleTask {
  if (value === null || typeof value !== 'object') return false;
  const { module, name } = value as Partial<ModuleTask>;
  return (typeof module === 'string' || module instanceof URL) && typeof name === 'string';
}

/** Whether `value` can be run in a worker as a callback. */
export function isTask(value: unknown): value is Task<(...args: any[]) => unknown> {
  return typeof value === 'function' || isModuleTask(value);
}

/**
 * Fails at once, on the calling thread, when a callback is neither a function nor a module task.
 *
 * @param value - what the user passed
 * @param where - the parameter as the user knows it, e.g. `'map(f)'`
 */
export function checkTask(value: unknown, where: string): void {
  if (!isTask(value)) {
    throw new TypeError(
      `${where}: expected a function or a module task { module, name }, got ${show(value)}`,
    );
  }
}

/** Whether a callback's result is a Promise or another thenable (callbacks must be synchronous). */
export function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The error for a callback that returned a thenable: an async callback's work would not be
 * awaited, and its result (a Promise) would be taken for a value — truthy for a filter. The
 * thenable is marked handled: an async callback that throws rejects it, and a rejection nobody
 * handles ends a worker thread.
 *
 * @param stage - the callback as errors name it, e.g. `'filter'`, `'mapInit init'`
 * @param index - the item it ran on
 * @param thenable - what the callback returned
 */
export function notSyncError(stage: string, index: number, thenable: unknown): TypeError {
  try {
    Promise.resolve(thenable).catch(() => {});
  } catch {
    // A thenable whose `then` getter throws: nothing to handle.
  }
  return new TypeError(
    `the ${stage} callback returned a Promise (a thenable) on item ${index}: callbacks must be synchronous (an async function's work would not be awaited); do the asynchronous part before or after the call (join's functions may be async)`,
  );
}
