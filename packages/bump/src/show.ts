/**
 * A value as error messages show it: strings quoted, bigints with their `n` (`10n`), functions by
 * name, objects by their tag, so a message says exactly what was passed.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.prototype.toString.call(value);
}
