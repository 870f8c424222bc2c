import { Worker } from 'node:worker_threads';

/** Starts a fixture from test/fixtures in a worker. */
export function startFixture(name: string, workerData: unknown): Worker {
  return new Worker(new URL(`./fixtures/${name}`, import.meta.url), { workerData });
}

/** Resolves with the worker's exit code; rejects never (errors are reported through the code). */
export function exited(worker: Worker): Promise<{ code: number; error: unknown }> {
  return new Promise((resolve) => {
    let error: unknown;
    worker.on('error', (e) => {
      error = e;
    });
    worker.on('exit', (code) => resolve({ code, error }));
  });
}

/** Throws when two [start, end) ranges overlap; zero-length ranges never overlap. */
export function assertDisjoint(ranges: Array<[number, number]>): void {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur[0] < prev[1]) throw new Error(`allocations overlap: [${prev}] and [${cur}]`);
  }
}
