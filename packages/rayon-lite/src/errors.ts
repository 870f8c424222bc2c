// One AbortError and one ThreadError across Herd: the classes of @herd/scope (branded, so
// `instanceof` holds across bundles) are this package's too.
export { AbortError, ThreadError } from '@herd/scope';

import { herdClass } from '@herd/shared';

/**
 * A callback threw while the pipeline processed one item. The call rejects with this error after
 * the other pieces have stopped; `cause` holds the original error, decoded with its class kept.
 *
 * @example
 * ```ts
 * try {
 *   await par(range(0, 100)).map((i) => { if (i === 42) throw new RangeError('no'); return i; }).collect();
 * } catch (error) {
 *   if (error instanceof ItemError) console.log(error.index, error.stage, error.cause); // 42 'map' RangeError
 * }
 * ```
 */
export class ItemError extends Error {
  override readonly name = 'ItemError';
  /** Position of the item in the source (0-based), whatever adapters came before the callback. */
  readonly index: number;
  /** Which callback threw: `'map'`, `'filter'`, `'mapInit init'`, `'reduce'`, … */
  readonly stage: string;

  constructor(stage: string, index: number, cause: unknown) {
    super(`${stage} callback threw on item ${index}: ${describe(cause)}`, { cause });
    this.index = index;
    this.stage = stage;
  }
}

/**
 * One side of `join(a, b)` threw. Both sides always run to the end; when both throw, `a`'s error
 * is the one reported.
 *
 * @example
 * ```ts
 * await join(() => 1, () => { throw new Error('b failed'); }).catch((e: JoinError) => e.side); // 'b'
 * ```
 */
export class JoinError extends Error {
  override readonly name = 'JoinError';
  /** `'a'` or `'b'`: the function that threw. */
  readonly side: 'a' | 'b';

  constructor(side: 'a' | 'b', cause: unknown) {
    super(`join: function ${side} threw: ${describe(cause)}`, { cause });
    this.side = side;
  }
}

/**
 * The pool was closed: it takes no more calls, and calls still running when `close()` was called
 * reject with this error.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ numThreads: 2 });
 * await pool.close();
 * await pool.par([1]).sum().catch((e) => e.name); // 'PoolClosedError'
 * ```
 */
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';

  constructor() {
    super('the thread pool is closed');
  }
}

herdClass(ItemError, 'ItemError');
herdClass(JoinError, 'JoinError');
herdClass(PoolClosedError, 'PoolClosedError');

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
