// Why Herd exists, on a real-world job: parse a 50 MB access log in parallel, then answer
// questions about it on the main thread. Done twice: with a herd (workers write records into
// shared memory, only Ptrs come back) and the usual way (workers post arrays of objects back).
import { Worker } from 'node:worker_threads';
import { Herd } from '@herd/herd';
import { par, range } from '@herd/rayon-lite';
import { generateLog, lineBounds } from './log/generate-log.js';
import type { LogEntry } from './log/object-worker.js';
import { type LogReport, reportFromHerd, reportFromObjects } from './log/queries.js';

const THREADS = 2;
const MB = 1 << 20;

async function parseWithHerd(herd: Herd, text: Uint8Array): Promise<Uint32Array> {
  const bounds = lineBounds(text, 64);
  const task = (name: string) => ({ module: new URL('./log/parse-task.js', import.meta.url), name });
  // Module tasks are typed by what they return only at run time: the list Ptrs are numbers.
  const lists = (await par(range(0, bounds.length - 1))
    .with({ herd, text, bounds })
    .mapInit(task('lease'), task('parsePiece'))
    .collect()) as number[];
  const m = herd.memory;
  const total = lists.reduce((n, list) => n + m.u32[list >>> 2]!, 0);
  const records = new Uint32Array(total);
  let at = 0;
  for (const list of lists) {
    const count = m.u32[list >>> 2]!;
    records.set(m.u32.subarray((list >>> 2) + 1, (list >>> 2) + 1 + count), at);
    at += count;
  }
  return records;
}

async function parseWithObjects(text: Uint8Array): Promise<LogEntry[]> {
  const bounds = lineBounds(text, THREADS);
  const parts = await Promise.all(
    Array.from(
      { length: THREADS },
      (_, t) =>
        new Promise<LogEntry[]>((resolve, reject) => {
          const worker = new Worker(new URL('./log/object-worker.js', import.meta.url), {
            workerData: { text, from: bounds[t], to: bounds[t + 1] },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return parts.flat();
}

function timed<T>(f: () => T): [T, number] {
  const started = performance.now();
  const value = f();
  return [value, performance.now() - started];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await f();
  return [value, performance.now() - started];
}

function heapMiB(): string {
  return (process.memoryUsage().heapUsed / MB).toFixed(0);
}

function describe(r: LogReport): string[] {
  const classes = Object.entries(r.byClass)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `${r.requests.toLocaleString('en')} requests: ${classes}`,
    `p99 latency ${r.p99LatencyMs} ms; busiest minute ${r.busiestMinute[0]} UTC (${r.busiestMinute[1]} requests)`,
    `most bytes: ${r.topPaths.map(([p, b]) => `${p} ${(b / MB).toFixed(0)} MiB`).join(', ')}`,
  ];
}

export async function logAnalytics(sizeMiB = 50): Promise<void> {
  const { text, lines } = generateLog(sizeMiB * MB);
  console.log(
    `  generated a ${(text.length / MB).toFixed(0)} MiB access log: ${lines.toLocaleString('en')} lines`,
  );

  // Warm the pool once, so the timing is the parse, not the pool's start (the plain workers
  // below are started per run, as that way usually is).
  await par(range(0, THREADS))
    .map((x) => x)
    .collect();

  const herd = new Herd({ maxBytes: 1 << 30 });
  const [records, herdParse] = await timedAsync(() => parseWithHerd(herd, text));
  const [herdReport, herdQuery] = timed(() => reportFromHerd(herd.memory, records));
  const herdHeap = heapMiB();

  const [entries, objectParse] = await timedAsync(() => parseWithObjects(text));
  const [objectReport, objectQuery] = timed(() => reportFromObjects(entries));
  const objectHeap = heapMiB();

  for (const line of describe(herdReport)) console.log(`  ${line}`);
  const same = JSON.stringify(herdReport) === JSON.stringify(objectReport);
  console.log(
    `  herd:        parse ${herdParse.toFixed(0)} ms + queries ${herdQuery.toFixed(0)} ms (${(herd.allocatedBytes() / MB).toFixed(0)} MiB in the herd, heap ${herdHeap} MiB)`,
  );
  console.log(
    `  postMessage: parse ${objectParse.toFixed(0)} ms + queries ${objectQuery.toFixed(0)} ms (heap ${objectHeap} MiB)`,
  );
  console.log(
    `  herd is ${((objectParse + objectQuery) / (herdParse + herdQuery)).toFixed(1)}x faster end to end; same answers: ${same ? 'yes' : 'NO'}`,
  );
  herd.reset();
  if (!same) throw new Error('the herd and the objects gave different answers');
}
