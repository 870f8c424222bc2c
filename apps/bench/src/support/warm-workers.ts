import { Worker } from 'node:worker_threads';

/** Persistent workers that answer one message per job, for the baselines and the herd case alike. */
export class WarmWorkers {
  private readonly workers: Worker[];

  constructor(url: URL, count: number) {
    this.workers = Array.from({ length: count }, () => new Worker(url));
  }

  /** Sends `jobs[i]` to worker `i` and resolves with every reply. */
  run<T>(jobs: unknown[]): Promise<T[]> {
    return Promise.all(
      jobs.map(
        (job, i) =>
          new Promise<T>((resolve, reject) => {
            const w = this.workers[i]!;
            const onError = (e: unknown) => reject(e);
            w.once('error', onError);
            w.once('message', (reply: T) => {
              w.off('error', onError);
              resolve(reply);
            });
            w.postMessage(job);
          }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
