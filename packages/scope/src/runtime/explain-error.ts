import type { TaskWire } from './task-codec.js';

function label(wire: TaskWire): string {
  if (wire.kind === 'module') return `${wire.module}#${wire.name}`;
  return wire.name ? `the function ${wire.name}` : 'the function';
}

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
  if (/^(_\w+|__\w+__?)$/.test(variable)) {
    return ` It looks like a helper added by a compiler; compile with a modern target (ES2022) or use a module task ({ module, name }).`;
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
 * try { await fn(...args); } catch (e) { throw explainError(e, wire); }
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
