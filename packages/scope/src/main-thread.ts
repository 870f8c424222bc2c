// The main-thread rule: a blocking channel form may not wait on a main thread. A page forbids
// `Atomics.wait` there (a `TypeError` from the browser, naming nothing of ours), and in Node it
// would stall the event loop, which is also what repairs a channel when a thread dies: the wait
// could never end. So a form that would have to wait throws this instead, naming the async form.
//
// A TypeError, not a class of our own: using a blocking form on a main thread is a mistake in
// the calling code, not a state of the channel, and it is the class the platform itself throws
// for `Atomics.wait` on a page's main thread, so code that already handles that sees the same.

/**
 * The error a blocking form throws on a main thread when it would have to wait.
 *
 * @param method - what was called, e.g. `'recv'`
 * @param why - why it would wait, e.g. `'the channel is empty'`
 * @param instead - the async form to use, e.g. `'await rx.recvAsync()'`
 */
export function mainThreadWait(method: string, why: string, instead: string): TypeError {
  return new TypeError(
    `${method} would have to wait (${why}), and blocking waits are not allowed on the main thread: ` +
      `use ${instead} there`,
  );
}

/** What a blocking form says when it would wait on a main thread. */
export interface BlockingUse {
  method: string;
  /** Why it would wait when the ring is full (sends) or empty (receives). */
  why: string;
  /** Why it would wait when another end of its side holds the lock. */
  busy: string;
  instead: string;
}
