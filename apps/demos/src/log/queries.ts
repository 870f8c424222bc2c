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
  path: string;
  status: number;
  bytes: number;
  latency: number;
}

function report(count: number, row: (i: number, out: Row) => void): LogReport {
  const byClass: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const latencies = new Uint16Array(count);
  const bytesByPath = new Map<string, number>();
  const perMinute = new Map<number, number>();
  const r: Row = { time: 0, path: '', status: 0, bytes: 0, latency: 0 };
  for (let i = 0; i < count; i++) {
    row(i, r);
    byClass[`${Math.floor(r.status / 100)}xx`]!++;
    latencies[i] = r.latency;
    const path = r.path;
    const route = path.startsWith('/api/') ? path.slice(0, path.indexOf('/', 5)) : path;
    bytesByPath.set(route, (bytesByPath.get(route) ?? 0) + r.bytes);
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

/** The report over records in a herd, read in place by Ptr. */
export function reportFromHerd(m: Memory, records: Uint32Array): LogReport {
  return report(records.length, (i, r) => {
    const p = records[i]!;
    r.time = m.f64[(p + TIME) >>> 3]!;
    r.status = m.u16[(p + STATUS) >>> 1]!;
    r.latency = m.u16[(p + LATENCY) >>> 1]!;
    r.bytes = m.u32[(p + BYTES) >>> 2]!;
    r.path = m.str(m.u32[(p + PATH) >>> 2]!);
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
    r.path = e.path;
  });
}
