import { encodeTask, loadTask } from '@herd/scope/runtime';
import type { Task } from './task.js';

type Fn = (...args: any[]) => any;

/**
 * A callback to run on the calling thread (combining `reduce` results across pieces): the
 * function itself, or a module task's export, imported once.
 *
 * @example
 * ```ts
 * const op = await localFunction((a: number, b: number) => a + b, 'reduce(op)');
 * ```
 */
export async function localFunction(task: Task<Fn>, param: string): Promise<Fn> {
  if (typeof task === 'function') return task;
  return (await loadTask(encodeTask(task, param))) as Fn;
}
