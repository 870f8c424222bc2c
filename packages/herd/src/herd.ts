import type { Memory } from '@herd/bump';
import { herdClass, show } from '@herd/shared';
import { crossingModule } from './crossing-module-node.js';
import {
  DEBUG,
  H_CARVE,
  H_CHUNK_SIZE,
  H_DATA_START,
  H_FLAGS,
  H_LIMIT,
  H_MAGIC,
  H_MAX_MEMBERS,
  H_VERSION,
  HEADER_WORDS,
  headerBytes,
  MAGIC,
  VERSION,
} from './herd-layout.js';
import { HerdState } from './herd-state.js';
import { Member } from './member.js';

/**
 * Options for a `Herd`.
 *
 * @example
 * ```ts
 * const herd = new Herd({ maxBytes: 256 * 1024 * 1024, chunkSize: 64 * 1024, maxMembers: 64 });
 * ```
 */
export interface HerdOptions {
  /**
   * Bytes of shared memory reserved at once. The OS commits pages only as they are touched, so a
   * large reservation costs nothing until used. At most 4 GiB, so that a Ptr fits in a u32.
   * @defaultValue 1 GiB
   */
  maxBytes?: number;
  /**
   * A member's first chunk, in bytes; each later chunk of that member is double, up to 32 MiB.
   * @defaultValue 64 KiB
   */
  chunkSize?: number;
  /**
   * Member slots: how many members may be leased or parked at once, across every thread.
   * @defaultValue 256
   */
  maxMembers?: number;
  /**
   * A debugging aid: `reset()` poisons the chunk memory (fills it with 0xA5), so that reading a
   * Ptr from before the reset through `memory.str`, `memory.strByteLength` or a `struct` getter
   * throws `UseAfterResetError` (while nobody has allocated and written there again), in every
   * thread. It costs a fill of the memory used on each reset (some 24 µs a MiB) and a compare on
   * each of those reads; without it they cost nothing.
   * @defaultValue false
   */
  debug?: boolean;
}

/**
 * What a herd sends to another thread: structured-cloneable, made by `herd.toShared()` and
 * brought back to life by `Herd.fromShared(d)`.
 *
 * @example
 * ```ts
 * import { Worker, workerData } from 'node:worker_threads';
 *
 * const d: SharedHerd = herd.toShared(); // { kind: 'herd', version, buffer }
 * new Worker(new URL('./worker.js', import.meta.url), { workerData: { herd: d } });
 * // in worker.js:
 * const same = Herd.fromShared(workerData.herd);
 * ```
 */
export interface SharedHerd {
  readonly kind: 'herd';
  readonly version: number;
  readonly buffer: SharedArrayBuffer;
}

const KiB = 1024;
const DEFAULT_MAX_BYTES = 2 ** 30;
const MAX_BYTES = 2 ** 32;
/** The top page stays unused: an aligned bump must not wrap past 2^32. */
const TOP_GUARD = 4096;
const MIN_CHUNK = 256;
const CROSSING = Symbol.for('@herd/crossing');

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${show(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

/**
 * A herd of bump arenas over one `SharedArrayBuffer` (bumpalo-herd). Each thread leases its own
 * `Member` with `get()` and allocates at full bump speed without locks; what it allocates belongs
 * to the herd, so it outlives the member, the thread and the iterator, and every thread reads it
 * through `herd.memory`. `reset()` frees it all at once.
 *
 * A herd crosses into threads: pass it to `@herd/scope`'s `spawn` or `@herd/rayon-lite`'s
 * `with()` as is, or to any other worker library as `herd.toShared()` and `Herd.fromShared(d)`.
 *
 * @example
 * ```ts
 * import { Herd } from '@herd/herd';
 *
 * const herd = new Herd();
 * const bump = herd.get();
 * const p = bump.allocStr('hello');
 * bump.release();
 * herd.memory.str(p); // 'hello', from any thread, until herd.reset()
 * herd.reset();
 * ```
 */
export class Herd {
  /** Reads any member's Ptr, from any thread. The buffer never grows, so its views never go stale. */
  readonly memory: Memory;
  private readonly state: HerdState;

  /**
   * @param options - `maxBytes` (reservation), `chunkSize` (a member's first chunk), `maxMembers`,
   *   `debug`
   * @throws {TypeError | RangeError} on a bad option, naming it
   */
  constructor(options: HerdOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object, got ${show(options)}`);
    }
    const maxMembers = checkInteger(options.maxMembers ?? 256, 'options.maxMembers', 1, 65536);
    const header = headerBytes(maxMembers);
    const maxBytes = checkInteger(
      options.maxBytes ?? DEFAULT_MAX_BYTES,
      'options.maxBytes',
      header + 4 * KiB,
      MAX_BYTES,
    );
    const chunkSize = checkInteger(
      options.chunkSize ?? 64 * KiB,
      'options.chunkSize',
      MIN_CHUNK,
      maxBytes - header,
    );
    if (options.debug !== undefined && typeof options.debug !== 'boolean') {
      throw new TypeError(`options.debug must be a boolean, got ${show(options.debug)}`);
    }
    const buffer = new SharedArrayBuffer(maxBytes);
    const words = new Int32Array(buffer, 0, HEADER_WORDS);
    words[H_MAGIC] = MAGIC;
    words[H_VERSION] = VERSION;
    words[H_MAX_MEMBERS] = maxMembers;
    words[H_CHUNK_SIZE] = Math.ceil(chunkSize / 16) * 16;
    words[H_LIMIT] = Math.floor(Math.min(maxBytes, MAX_BYTES - TOP_GUARD) / 16);
    words[H_DATA_START] = header / 16;
    words[H_CARVE] = header / 16;
    words[H_FLAGS] = options.debug === true ? DEBUG : 0;
    this.state = new HerdState(buffer);
    this.memory = this.state.memory;
  }

  /**
   * Brings back to life, in this thread, a herd that another thread sent with `toShared()`.
   *
   * @throws {TypeError} when `d` is not a herd's descriptor (wrong shape, magic or layout version)
   * @example
   * ```ts
   * // in a worker made by any library
   * import { workerData } from 'node:worker_threads';
   *
   * const herd = Herd.fromShared(workerData.herd);
   * ```
   */
  static fromShared(d: SharedHerd): Herd {
    const buffer = (d as { buffer?: unknown } | null)?.buffer;
    if (d === null || typeof d !== 'object' || !(buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(
        'd must be a descriptor made by herd.toShared(), with a SharedArrayBuffer as its buffer',
      );
    }
    if (buffer.byteLength < HEADER_WORDS * 4) {
      throw new TypeError(`d.buffer is too small (${buffer.byteLength} bytes) to hold a herd`);
    }
    const words = new Int32Array(buffer, 0, HEADER_WORDS);
    if (words[H_MAGIC] !== MAGIC)
      throw new TypeError("d.buffer does not hold a herd (its magic number is not 'HERD')");
    if (words[H_VERSION] !== VERSION) {
      throw new TypeError(
        `d.buffer holds a herd of layout version ${words[H_VERSION]}, this @herd/herd reads version ${VERSION}: use one version of @herd/herd in every thread`,
      );
    }
    // A buffer cut shorter than its header says would take allocations past its end, where
    // writes vanish: refuse it.
    const needed = Math.max(
      (words[H_LIMIT]! >>> 0) * 16,
      (words[H_DATA_START]! >>> 0) * 16,
      headerBytes(words[H_MAX_MEMBERS]! >>> 0),
    );
    if (buffer.byteLength < needed) {
      throw new TypeError(
        `d.buffer is ${buffer.byteLength} bytes but its header describes a herd of ${needed}: pass the buffer herd.toShared() gave, whole`,
      );
    }
    const herd = Object.create(Herd.prototype) as Herd;
    const state = new HerdState(buffer);
    Object.assign(herd, { state, memory: state.memory });
    return herd;
  }

  /**
   * Leases a member for this thread. It continues in a parked member's chunk if one is free,
   * else starts a new one on its first allocation.
   *
   * @throws {HerdBusyError} when every member slot is leased
   * @example
   * ```ts
   * const bump = herd.get();
   * const p = bump.alloc(16);
   * bump.release();
   * ```
   */
  get(): Member {
    return new Member(this.state, this.state.lease());
  }

  /**
   * Leases a member, runs `fn(member)` and releases the member when `fn` returns, throws, or
   * the promise it returns settles; resolves (or returns) what `fn` did. What the member
   * allocated stays in the herd.
   *
   * @throws {HerdBusyError} when every member slot is leased; whatever `fn` throws
   * @example
   * ```ts
   * const p = herd.scoped((bump) => bump.allocStr('kept'));
   * herd.memory.str(p); // 'kept'
   * const q = await herd.scoped(async (bump) => bump.allocStr(await Promise.resolve('later')));
   * ```
   */
  scoped<R>(fn: (member: Member) => R): R {
    if (typeof fn !== 'function') throw new TypeError(`fn must be a function, got ${show(fn)}`);
    const member = this.get();
    let result: R;
    try {
      result = fn(member);
    } catch (error) {
      member.release();
      throw error;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => member.release()) as R;
    }
    member.release();
    return result;
  }

  /**
   * Frees everything the herd's members allocated, in O(1). Every Ptr from before is invalid.
   *
   * @throws {HerdBusyError} while any member is leased, in any thread, saying how many
   * @example
   * ```ts
   * herd.reset();
   * ```
   */
  reset(): void {
    this.state.reset();
  }

  /** Bytes of chunk memory the members have taken so far (chunks, not bytes handed out). */
  allocatedBytes(): number {
    return this.state.carvedBytes();
  }

  /**
   * Members leased now, in every thread.
   *
   * @example
   * ```ts
   * const m = herd.get();
   * herd.leased(); // 1
   * ```
   */
  leased(): number {
    return this.state.leased();
  }

  /**
   * Returns the leases held by thread `threadId`, for a thread that died holding them (threw,
   * exited, was terminated), and frees the herd's lock if it died holding that. What it
   * allocated stays readable; the unused rest of its chunks is abandoned until `reset()`. Call it
   * only for threads that no longer run: `@herd/scope` and `@herd/rayon-lite` call it for their
   * own threads, and `releaseOnExit(worker)` for a `worker_threads` Worker of another library.
   *
   * @param threadId - the thread's id: `worker.threadId` read while it ran (Node sets it to -1
   *   once the worker has exited), or a scope thread's `handle.threadId`
   * @returns how many leases were returned
   * @example
   * ```ts
   * import { Worker } from 'node:worker_threads';
   *
   * const worker = new Worker(new URL('./work.js', import.meta.url), { workerData: { herd: herd.toShared() } });
   * const { threadId } = worker; // read now: -1 after 'exit'
   * worker.on('exit', () => herd.releaseThread(threadId));
   * ```
   */
  releaseThread(threadId: number): number {
    checkInteger(threadId, 'threadId', 0, 2 ** 31 - 2);
    return this.state.releaseThread(threadId);
  }

  /**
   * Returns `worker`'s leases when it exits, however it ends (for `worker_threads` Workers that
   * other libraries start, such as piscina's): the recipe of `releaseThread` done right, since a
   * Worker's `threadId` reads -1 by the time its `'exit'` event comes.
   *
   * @param worker - a `worker_threads` Worker (anything with a `threadId` and `once('exit', …)`)
   * @returns a function that stops watching it
   * @example
   * ```ts
   * import { Worker } from 'node:worker_threads';
   *
   * const worker = new Worker(new URL('./work.js', import.meta.url), { workerData: { herd: herd.toShared() } });
   * herd.releaseOnExit(worker);
   * ```
   */
  releaseOnExit(worker: {
    readonly threadId: number;
    once(event: 'exit', listener: () => void): unknown;
  }): () => void {
    const { threadId } = (worker ?? {}) as { threadId?: unknown };
    if (typeof (worker as { once?: unknown } | null)?.once !== 'function' || typeof threadId !== 'number') {
      throw new TypeError(`worker must be a worker_threads Worker, got ${show(worker)}`);
    }
    if (threadId < 0)
      throw new RangeError(
        'worker has already exited (its threadId is -1): call releaseOnExit as soon as it starts',
      );
    let watching = true;
    const onExit = () => {
      if (watching) this.state.releaseThread(threadId);
    };
    worker.once('exit', onExit);
    const off = (worker as { off?: (event: 'exit', listener: () => void) => unknown }).off;
    return () => {
      watching = false;
      off?.call(worker, 'exit', onExit);
    };
  }

  /**
   * A structured-cloneable descriptor of this herd, to send to a thread made by any library;
   * `Herd.fromShared(d)` there sees the same memory and the same members.
   *
   * @example
   * ```ts
   * import { Worker } from 'node:worker_threads';
   *
   * new Worker(new URL('./work.js', import.meta.url), { workerData: { herd: herd.toShared() } });
   * ```
   */
  toShared(): SharedHerd {
    return { kind: 'herd', version: VERSION, buffer: this.memory.buffer as SharedArrayBuffer };
  }

  /** @internal The crossing protocol (docs/internals.md): how `@herd/scope` carries a herd into a thread. */
  [CROSSING](): {
    module: string;
    revive: string;
    data: SharedHerd;
    done(threadId: number, died: boolean): void;
  } {
    return {
      module: crossingModule,
      revive: 'Herd.fromShared',
      data: this.toShared(),
      // A thread whose task ended released the members the task leased itself; only a thread
      // that stopped mid-task leaves leases (and maybe the lock) to take back.
      done: (threadId: number, died: boolean) => {
        if (died) this.state.releaseThread(threadId);
      },
    };
  }
}

// One class across bundles: a herd revived in a thread by the browser build's crossing module is
// an instance of the Herd a task module imports.
herdClass(Herd, 'Herd');
