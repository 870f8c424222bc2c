/** `Symbol.dispose` where the runtime has it; the registered fallback otherwise (older engines). */
const DISPOSE: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

/**
 * Ends a `mapInit`/`forEachInit` state when its piece ends: `[Symbol.dispose]()` if it has one,
 * else `release()` (a herd `Member`), else nothing.
 *
 * @example
 * ```ts
 * disposeState(herd.get()); // the member is back in the herd
 * ```
 */
export function disposeState(state: unknown): void {
  if (state === null || (typeof state !== 'object' && typeof state !== 'function')) return;
  const record = state as Record<string | symbol, unknown>;
  const dispose = record[DISPOSE];
  if (typeof dispose === 'function') {
    dispose.call(state);
    return;
  }
  const release = record.release;
  if (typeof release === 'function') release.call(state);
}
