/** The longest delay a platform timer keeps: past it, Node fires at once (after 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` milliseconds, however long that is: a delay past what one timer holds
 * (2^31 - 1 ms, some 24.8 days) is waited out in steps. Returns what cancels it.
 *
 * @example
 * ```ts
 * const cancel = setLongTimeout(() => console.log('a month later'), 30 * 24 * 3600 * 1000);
 * cancel();
 * ```
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const due = Date.now() + ms;
  const arm = (left: number) => {
    timer = setTimeout(
      () => {
        const rest = due - Date.now();
        if (rest > 0) arm(rest);
        else fn();
      },
      Math.min(left, MAX_TIMER_MS),
    );
  };
  arm(ms);
  return () => clearTimeout(timer);
}
