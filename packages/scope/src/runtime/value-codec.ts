import {
  CROSSING,
  type Crossing,
  type CrossingMarker,
  isCrossable,
  isMarker,
  MARKER_KEY,
} from './crossing.js';
import { exportedFunction } from './module-export.js';

/**
 * One marker per crossable object in a post: passing the same channel end twice must not make two
 * live ends in the thread (each would believe it owns the end), so the second place reuses the
 * first marker, structured clone keeps them one object, and `reviveValues` revives it once.
 */
function toMarker(
  value: { [CROSSING](): Crossing },
  crossings: Crossing[],
  seen: Map<object, CrossingMarker>,
): CrossingMarker {
  const known = seen.get(value);
  if (known) return known;
  const crossing = value[CROSSING]();
  crossings.push(crossing);
  const marker: CrossingMarker = {
    [MARKER_KEY]: 1,
    module: crossing.module,
    revive: crossing.revive,
    data: crossing.data,
  };
  seen.set(value, marker);
  return marker;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces every crossable among `values` (and among the own properties of a plain-object value,
 * such as a `par(..).with(ctx)` context) by a marker that `reviveValues` turns back into a live
 * object in the thread. Only the top level and one object level are walked: deeper crossables
 * would cost a full traversal of every argument on every post.
 *
 * The caller posts `wire`, then calls each crossing's `sent()`, and `done(threadId)` when the
 * thread is finished with them.
 *
 * @param values - the arguments as the user passed them
 * @returns the values to post and the crossings met, in order
 * @example
 * ```ts
 * const { wire, crossings } = encodeValues([herd, 42]);
 * declare const port: ThreadPort;
 * port.post(wire);
 * for (const c of crossings) c.sent?.();
 * ```
 */
export function encodeValues(values: unknown[]): { wire: unknown[]; crossings: Crossing[] } {
  const crossings: Crossing[] = [];
  const seen = new Map<object, CrossingMarker>();
  const wire = values.map((value) => {
    if (isCrossable(value)) return toMarker(value, crossings, seen);
    if (!isPlainObject(value)) return value;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const property = value[key];
      if (!isCrossable(property)) continue;
      copy ??= { ...value };
      copy[key] = toMarker(property, crossings, seen);
    }
    return copy ?? value;
  });
  return { wire, crossings };
}

async function reviveMarker(
  marker: CrossingMarker,
  revived: Map<CrossingMarker, Promise<unknown>>,
): Promise<unknown> {
  let live = revived.get(marker);
  if (!live) {
    live = exportedFunction(marker.module, marker.revive).then((revive) => revive(marker.data));
    revived.set(marker, live);
  }
  return live;
}

/**
 * The thread side of `encodeValues`: imports each marker's module (once per thread), calls its
 * reviving function and puts the live object where the marker was.
 *
 * @param wire - the values as posted
 * @returns the values with live objects in place of markers
 * @example
 * ```ts
 * declare const wire: unknown[]; // what encodeValues made, as the thread received it
 * const [revived, n] = await reviveValues(wire); // the wire encodeValues made in the other thread
 * ```
 */
export async function reviveValues(wire: unknown[]): Promise<unknown[]> {
  const revived = new Map<CrossingMarker, Promise<unknown>>();
  return Promise.all(
    wire.map(async (value) => {
      if (isMarker(value)) return reviveMarker(value, revived);
      if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
        return value;
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const property = record[key];
        if (isMarker(property)) record[key] = await reviveMarker(property, revived);
      }
      return record;
    }),
  );
}
