// How a sync primitive crosses into a thread. Unlike a channel end it is shared, not moved
// (`Arc<Mutex<T>>`, not a `Sender`): the copy in the thread works on the same memory, the parent's
// copy stays usable, and a pool call may pass one to every worker. The parent's part is repairs:
// the runtime calls `done(threadId, died)` once the thread is done with it, and a thread that died
// may have left the primitive held (a lock), waited on (a condvar cell) or a party short (a
// barrier, a wait group).
import { currentThreadId, isMainThread, show } from '@herd/shared';
import type { Crossing } from './runtime/crossing.js';
import { KIND, syncTag, TAG_MASK } from './sync-layout.js';
import type { Lineage } from './sync-lineage.js';

/**
 * What a sync primitive carries into a thread: its memory, and which thread sent it through
 * which crossing (the lineage of sync-layout.ts).
 *
 * @example
 * ```ts
 * // in the thread, the crossing protocol revives the primitive from its SharedSync:
 * const { data } = mutex[CROSSING](); // what crosses when `mutex` is passed to a thread
 * const revived = Mutex.fromShared(data as SharedSync);
 * ```
 */
export interface SharedSync {
  buffer: SharedArrayBuffer;
  /** Owner tag of the thread that sent it; 0 (or absent) from a main thread. */
  from?: number;
  /** The sending thread's id for the crossing. */
  crossing?: number;
}

/** What a primitive's crossing repairs once a thread that received it died. */
export interface Repairable {
  readonly buffer: SharedArrayBuffer;
  /** For primitives a thread can hold: whom a dead thread took down with it. */
  readonly lineage: Lineage | undefined;
  /**
   * Repairs what the stopped threads `tags` (owner tags: the one the runtime reported dead,
   * `threadId`, and the threads it started, from the lineage) left behind. Idempotent.
   */
  repair(tags: readonly number[], threadId: number): void;
}

let lastCrossing = Math.floor(Math.random() * TAG_MASK);

/**
 * The crossing of a shared primitive (docs/internals.md): `module` and `revive` name its
 * `fromShared`; `done` repairs a dead thread and the threads it started, or forgets the lineage
 * entry of a thread whose task ended.
 */
export function sharedCrossing(target: Repairable, module: string, revive: string): Crossing {
  const from = isMainThread() ? 0 : syncTag(currentThreadId());
  lastCrossing = (lastCrossing % TAG_MASK) + 1;
  const crossing = lastCrossing;
  return {
    module,
    revive,
    data: { buffer: target.buffer, from, crossing } satisfies SharedSync,
    done: (threadId: number, died: boolean) => {
      const tag = syncTag(threadId);
      const lineage = target.lineage;
      if (!died) {
        if (from !== 0) lineage?.forget(tag, from, crossing);
        return;
      }
      const tags = lineage === undefined ? [tag] : lineage.family(tag);
      target.repair(tags, threadId);
      lineage?.forgetAll(tags);
    },
  };
}

/** The memory `openShared` just opened, for the constructor `fromShared` calls next. */
let opened: Int32Array | undefined;

/**
 * A primitive's memory, for its constructor: what `fromShared` just opened (the same primitive
 * as the one sent), else new memory of `words` Int32 words, marked `kind`, which `init` (checks
 * of the constructor's arguments, initial values) is given first.
 */
export function primitiveWords(kind: number, words: number, init?: (fresh: Int32Array) => void): Int32Array {
  const open = opened;
  opened = undefined;
  if (open !== undefined) return open;
  const fresh = new Int32Array(new SharedArrayBuffer(words * 4));
  init?.(fresh);
  fresh[KIND] = kind;
  return fresh;
}

/**
 * For `fromShared`: checks that `data` is what a `name` crossing carries (a SharedArrayBuffer of
 * at least `words` Int32 words marked `kind`) and keeps its words for the constructor called next.
 *
 * @throws TypeError when it is not
 */
export function openShared(data: unknown, kind: number, name: string, words: number): void {
  opened = checkedWords(data, kind, name, words);
}

function checkedWords(data: unknown, kind: number, name: string, words: number): Int32Array {
  const buffer = (data as Partial<SharedSync> | null)?.buffer;
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < words * 4) {
    throw new TypeError(`${name}.fromShared needs what a ${name} crossing carries, got ${show(data)}`);
  }
  const view = new Int32Array(buffer, 0, words);
  if (Atomics.load(view, KIND) !== kind) {
    throw new TypeError(`${name}.fromShared: this SharedArrayBuffer is not a ${name}'s memory`);
  }
  return view;
}

/** In a thread reviving `data`: records where it came from, when that was another thread. */
export function recordLineage(lineage: Lineage, data: SharedSync): void {
  const { from, crossing } = data;
  if (typeof from === 'number' && from !== 0 && typeof crossing === 'number') {
    lineage.record(syncTag(currentThreadId()), from, crossing);
  }
}
