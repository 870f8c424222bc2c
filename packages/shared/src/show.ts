/**
 * A value as Herd's error messages show it: strings quoted (long ones cut), bigints with their `n`,
 * functions by name, arrays by length, objects by their class, so a message says what was passed
 * without ever throwing or printing a megabyte.
 *
 * @example
 * ```ts
 * show('x');          // '"x"'
 * show(10n);          // '10n'
 * show([1, 2]);       // 'an array of length 2'
 * show(new Map());    // 'an instance of Map'
 * ```
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  let name: unknown;
  try {
    name = Object.getPrototypeOf(value)?.constructor?.name;
  } catch {
    // A proxy may throw from getPrototypeOf: the message must still be built.
  }
  return typeof name === 'string' && name !== '' && name !== 'Object'
    ? `an instance of ${name}`
    : 'an object';
}
