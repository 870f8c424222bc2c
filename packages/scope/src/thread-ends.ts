// The channel ends a worker thread holds, so the thread can close them when its task ends, as Rust
// drops them. Kept on a registered global because the ends are revived by the package's main
// bundle while the worker entry is a separate bundle: both must see one registry per thread.

/** Anything a thread must close when its task ends. */
export interface ThreadEnd {
  close(): void;
}

const REGISTRY = Symbol.for('@herd/scope/thread-ends');

function registry(): Set<ThreadEnd> {
  const global = globalThis as unknown as Record<symbol, Set<ThreadEnd> | undefined>;
  let ends = global[REGISTRY];
  if (!ends) {
    ends = new Set();
    Object.defineProperty(globalThis, REGISTRY, { value: ends });
  }
  return ends;
}

export function trackThreadEnd(end: ThreadEnd): void {
  registry().add(end);
}

export function untrackThreadEnd(end: ThreadEnd): void {
  registry().delete(end);
}

/** Closes every end still open in this thread; returns how many it closed. */
export function closeThreadEnds(): number {
  const ends = registry();
  const open = [...ends];
  ends.clear();
  for (const end of open) {
    try {
      end.close();
    } catch {
      // Closing is best effort here: the parent's `done()` closes what a thread could not.
    }
  }
  return open.length;
}
