import { Piscina } from 'piscina';

/** A piscina pool of exactly `threads` warm threads running `worker`, as every baseline uses it. */
export function fixedPiscina(worker: URL, threads: number): Piscina {
  return new Piscina({ filename: worker.href, minThreads: threads, maxThreads: threads });
}
