// What a task left running, where the platform cannot say: the timers set in this thread,
// counted by wrapping the global timer functions (only in threads the runtime starts). Used in
// Web Workers, and on Bun, whose `process.getActiveResourcesInfo()` lists nothing.

let tracking = false;
const timers = { Timeout: new Set<unknown>(), Interval: new Set<unknown>() };

/**
 * Counts the timers this thread sets from now on, so the runtime can tell a task that left one
 * running; idempotent.
 */
export function trackTimers(): void {
  if (tracking) return;
  tracking = true;
  const global = globalThis as unknown as Record<string, (...args: any[]) => unknown>;
  const setTimeout = global.setTimeout!;
  const setInterval = global.setInterval!;
  const clearTimeout = global.clearTimeout!;
  const clearInterval = global.clearInterval!;
  global.setTimeout = (callback: unknown, ...rest: unknown[]) => {
    const handle: unknown = setTimeout(
      (...args: unknown[]) => {
        timers.Timeout.delete(handle);
        if (typeof callback === 'function') callback(...args);
      },
      ...rest,
    );
    timers.Timeout.add(handle);
    return handle;
  };
  global.setInterval = (...args: unknown[]) => {
    const handle = setInterval(...args);
    timers.Interval.add(handle);
    return handle;
  };
  global.clearTimeout = (handle: unknown) => {
    timers.Timeout.delete(handle);
    return clearTimeout(handle);
  };
  global.clearInterval = (handle: unknown) => {
    timers.Interval.delete(handle);
    return clearInterval(handle);
  };
}

/** The timers of this thread still pending, by kind. */
export function liveTimers(): Map<string, number> {
  return new Map([
    ['Timeout', timers.Timeout.size],
    ['Interval', timers.Interval.size],
  ]);
}
