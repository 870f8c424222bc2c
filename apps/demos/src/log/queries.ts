// The questions the demo answers on the main thread, over herd records and over objects alike;
// both must give the same answers.
import type { Memory } from '@herd/bump';
import { BYTES, LATENCY, PATH, STATUS, TIME } from './log-record.js';
import type { LogEntry } from './object-worker.js';

export interface LogReport {
  requests: number;
  byClass: Record<string, number>;
  p99LatencyMs: number;
  topPaths: Array<[string, number]>;
  busiestMinute: [string, number];
}

interface Row {
  time: number;
  /** `/api/users` for `/api/users/123`, else the whole path. */
  route: string;
  status: number;
  bytes: number;
  latency: number;
}

function report(count: number, row: (i: number, out: Row) => void): LogReport {
  const byClass: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const latencies = new Uint16Array(count);
  const bytesByPath = new Map<string, number>();
  const perMinute = new Map<number, number>();
  const r: Row = { time: 0, route: '', status: 0, bytes: 0, latency: 0 };
  for (let i = 0; i < count; i++) {
    row(i, r);
    byClass[`${Math.floor(r.status / 100)}xx`]!++;
    latencies[i] = r.latency;
    bytesByPath.set(r.route, (bytesByPath.get(r.route) ?? 0) + r.bytes);
    const minute = Math.floor(r.time / 60_000);
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
  }
  latencies.sort();
  const topPaths = [...bytesByPath].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const [minute, hits] = [...perMinute].reduce((best, e) => (e[1] > best[1] ? e : best), [0, -1]);
  return {
    requests: count,
    byClass,
    p99LatencyMs: latencies[Math.floor(count * 0.99)] ?? 0,
    topPaths,
    busiestMinute: [new Date(minute * 60_000).toISOString().slice(11, 16), hits],
  };
}

const SLASH = 0x2f;
const API = new Uint8Array([SLASH, 0x61, 0x70, 0x69, SLASH]); // '/api/'

/**
 * Route names read straight from a path's bytes: a record's route is found and hashed in place,
 * and only a route not seen before is decoded into a string. Most of 800k records share a dozen
 * routes, so the query makes a dozen strings instead of one a record.
 */
class RouteNames {
  private readonly byHash = new Map<number, { name: string; bytes: Uint8Array }>();
  private readonly decoder = new TextDecoder();

  constructor(private readonly m: Memory) {}

  of(path: number): string {
    const u8 = this.m.u8;
    const start = path + 4;
    let end = start + this.m.u32[path >>> 2]!;
    if (end - start > API.length && startsWith(u8, start, API)) {
      let k = start + API.length;
      while (k < end && u8[k] !== SLASH) k++;
      end = k;
    }
    let hash = 0x811c9dc5;
    for (let k = start; k < end; k++) hash = Math.imul(hash ^ u8[k]!, 16777619);
    const known = this.byHash.get(hash);
    if (known && known.bytes.length === end - start && startsWith(u8, start, known.bytes)) {
      return known.name;
    }
    const bytes = u8.slice(start, end);
    const name = this.decoder.decode(bytes);
    this.byHash.set(hash, { name, bytes });
    return name;
  }
}

function startsWith(u8: Uint8Array, at: number, prefix: ArrayLike<number>): boolean {
  for (let k = 0; k < prefix.length; k++) if (u8[at + k] !== prefix[k]) return false;
  return true;
}

/** `/api/users` for `/api/users/123`, else the whole path. */
function routeOf(path: string): string {
  if (!path.startsWith('/api/')) return path;
  const end = path.indexOf('/', 5);
  return end < 0 ? path : path.slice(0, end);
}

/** The report over records in a herd, read in place by Ptr. */
export function reportFromHerd(m: Memory, records: Uint32Array): LogReport {
  const routes = new RouteNames(m);
  return report(records.length, (i, r) => {
    const p = records[i]!;
    r.time = m.f64[(p + TIME) >>> 3]!;
    r.status = m.u16[(p + STATUS) >>> 1]!;
    r.latency = m.u16[(p + LATENCY) >>> 1]!;
    r.bytes = m.u32[(p + BYTES) >>> 2]!;
    r.route = routes.of(m.u32[(p + PATH) >>> 2]!);
  });
}

/** The same report over objects. */
export function reportFromObjects(entries: LogEntry[]): LogReport {
  return report(entries.length, (i, r) => {
    const e = entries[i]!;
    r.time = e.time;
    r.status = e.status;
    r.latency = e.latency;
    r.bytes = e.bytes;
    r.route = routeOf(e.path);
  });
}
