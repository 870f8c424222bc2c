// The usual way: a worker parses its share of the log into objects and posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { type LineFields, METHOD_NAMES, parseLine } from './parse-line.js';

export interface LogEntry {
  time: number;
  method: string;
  path: string;
  status: number;
  bytes: number;
  latency: number;
}

const { text, from, to } = workerData as { text: Uint8Array; from: number; to: number };
const decoder = new TextDecoder();
const fields: LineFields = { time: 0, method: 0, pathStart: 0, pathEnd: 0, status: 0, bytes: 0, latency: 0 };
const entries: LogEntry[] = [];
for (let at = from; at < to; ) {
  at = parseLine(text, at, fields);
  entries.push({
    time: fields.time,
    method: METHOD_NAMES[fields.method]!,
    path: decoder.decode(text.subarray(fields.pathStart, fields.pathEnd)),
    status: fields.status,
    bytes: fields.bytes,
    latency: fields.latency,
  });
}
parentPort!.postMessage(entries);
