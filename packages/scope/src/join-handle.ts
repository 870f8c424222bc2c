import type { Thread } from './thread.js';

/**
 * A thread spawned in a scope. `join()` waits for it and gives its return value, or rejects with
 * its `ThreadError`; an error received through `join()` is not thrown again by the scope.
 *
 * @example
 * ```ts
 * const total = await scope(async (s) => {
 *   const a = s.spawn((n: number) => n * 2, 21);
 *   return await a.join(); // 42
 * });
 * ```
 */
export class JoinHandle<R> {
  readonly #thread: Thread;
  #observed = false;
  #joined: Promise<R> | undefined;
  #finished = false;

  /** @internal Handles are made by `s.spawn`. */
  constructor(thread: Thread) {
    this.#thread = thread;
    void thread.ended.then(() => {
      this.#finished = true;
    });
  }

  /**
   * Spawn order inside the scope (0 for the first).
   *
   * @example
   * ```ts
   * s.spawn(() => 1).index; // 0
   * ```
   */
  get index(): number {
    return this.#thread.index;
  }

  /**
   * The id of the thread running it (`currentThreadId()` there; what a herd records as a lease's owner).
   *
   * @example
   * ```ts
   * console.log(s.spawn(() => 1).threadId);
   * ```
   */
  get threadId(): number {
    return this.#thread.threadId;
  }

  /**
   * Whether the thread has ended (Rust's `is_finished`).
   *
   * @example
   * ```ts
   * const h = s.spawn(() => 1);
   * await h.join();
   * h.isFinished(); // true
   * ```
   */
  isFinished(): boolean {
    return this.#finished;
  }

  /**
   * Waits for the thread to end.
   *
   * @returns the thread's return value (awaited, structured-cloned back)
   * @throws ThreadError when the thread threw or exited; `cause` is the thread's own error
   * @example
   * ```ts
   * const value = await s.spawn(() => 'done').join();
   * ```
   */
  join(): Promise<R> {
    this.#observed = true;
    this.#joined ??= this.#thread.ended.then((outcome) => {
      if (outcome.ok) return outcome.value as R;
      throw outcome.error;
    });
    return this.#joined;
  }

  /** @internal Whether the body took the thread's outcome through `join()`. */
  get observed(): boolean {
    return this.#observed;
  }
}
