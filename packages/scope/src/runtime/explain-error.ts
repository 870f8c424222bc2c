import type { TaskWire } from './task-codec.js';

function label(wire: TaskWire): string {
  if (wire.kind === 'module') return `${wire.module}#${wire.name}`;
  return wire.name ? `the function ${wire.name}` : 'the function';
}

/** Helpers compilers add for targets older than the ones Herd's threads provide helpers for. */
const OLD_TARGET_HELPERS = new Set([
  '__generator',
  '__extends',
  '__values',
  '__read',
  '__spread',
  '__spreadArrays',
  '__makeTemplateObject',
  '__asyncGenerator',
  '__asyncDelegator',
  '__asyncValues',
  '__await',
  '__forAwait',
]);

function hint(variable: string): string {
  if (/^__vi(te_ssr)?_import_\d+__$/.test(variable)) {
    return (
      ' It is an import rewritten by Vite/Vitest: a function sent to a thread cannot use the imports ' +
      'of the file it was written in; use a module task ({ module, name }) or pass the value as an argument.'
    );
  }
  if (/^cov_\w+$/.test(variable)) {
    return ' It is a coverage counter added by istanbul instrumentation; use V8 coverage (coverage.provider: "v8") instead.';
  }
  if (OLD_TARGET_HELPERS.has(variable)) {
    return (
      ` It is a helper a compiler adds for an old target (ES5, or async generators below ES2018): compile for ` +
      'ES2018 or later (tsc "target", esbuild "target"), or use a module task ({ module, name }).'
    );
  }
  if (/^(import_\w+|\w+_\d+)$/.test(variable)) {
    return (
      ' It looks like an import renamed by a bundler or compiler (esbuild names them import_x, tsc x_1): a ' +
      'function sent to a thread cannot use the imports of the file it was written in. Use a module task ' +
      '({ module, name }) for code that needs imports, or define the helper inside the function.'
    );
  }
  if (/^(_\w+|__\w+__?)$/.test(variable)) {
    return ` It looks like a helper added by a compiler that threads do not provide; use a module task ({ module, name }) for such code.`;
  }
  return ` Pass it as an argument (s.spawn(fn, ${variable})) or in the context (.with({ ${variable} })), or use a module task ({ module, name }) for code that needs imports.`;
}

/**
 * Explains a failure that comes from shipping a function as source: a `ReferenceError` for a name
 * the function cannot see in its thread becomes a `ReferenceError` that names the variable and
 * says how to pass it (the original is its `cause`). Anything else is returned as it is.
 *
 * @param error - what the task threw
 * @param wire - the task that threw it
 * @returns the explained error, or `error` unchanged
 * @example
 * ```ts
 * const wire: TaskWire = { kind: 'source', source: '() => offset + 1', name: 'task' }; // `offset` lives elsewhere
 * try { (await loadTask(wire))(); } catch (e) { throw explainError(e, wire); } // says to pass `missing`
 * ```
 */
export function explainError(error: unknown, wire: TaskWire): unknown {
  if (wire.kind !== 'source' || !(error instanceof ReferenceError)) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  if (!match) return error;
  const variable = match[1] ?? '';
  const explained = new ReferenceError(
    `${label(wire)} uses "${variable}", which it cannot see in its thread: a function sent to a thread is ` +
      `compiled there from its source and sees only its parameters and globals.${hint(variable)}`,
    { cause: error },
  );
  if (error.stack) {
    const frames = error.stack.split('\n').slice(1).join('\n');
    explained.stack = `ReferenceError: ${explained.message}\n${frames}`;
  }
  return explained;
}
