import { Herd } from '@herd/herd';
import type { Piscina } from 'piscina';
import { defineScenario } from '../harness.js';
import { fixedPiscina } from '../support/fixed-piscina.js';
import { WarmWorkers } from '../support/warm-workers.js';
import { type GatherRecord, readObjects } from './workers/records.js';

const THREADS = 2;

function split(n: number): Array<{ from: number; to: number }> {
  return Array.from({ length: THREADS }, (_, t) => ({
    from: Math.floor((n * t) / THREADS),
    to: Math.floor((n * (t + 1)) / THREADS),
  }));
}

/**
 * Two workers produce records `{ id: u32, value: f64, name: short string }` and the main thread
 * reads every field of every one: through a herd (only "done" crosses; the main thread reads the
 * records in place), against arrays of objects sent back by postMessage and by piscina.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  const jobs = split(n);
  let herd: Herd;
  let out: Uint32Array;
  let herdWorkers: WarmWorkers;
  let objectWorkers: WarmWorkers;
  let pool: Piscina;

  return {
    id: 'herd/gather',
    title: `${THREADS} workers make ${n.toLocaleString('en')} records, the main thread reads them all`,
    units: n,
    unit: 'record',
    baseline: 'postMessage',
    targets: [
      { case: 'herd', vs: 'postMessage', ratio: 10 },
      { case: 'herd', vs: 'piscina', ratio: 10 },
    ],
    cases: [
      {
        name: 'postMessage',
        setup() {
          objectWorkers = new WarmWorkers(new URL('./workers/object-producer.js', import.meta.url), THREADS);
        },
        async run() {
          const parts = await objectWorkers.run<GatherRecord[]>(jobs);
          return parts.reduce((sum, records) => sum + readObjects(records), 0);
        },
        teardown: () => objectWorkers.close(),
      },
      {
        name: 'piscina',
        setup() {
          pool = fixedPiscina(new URL('./workers/piscina-producer.js', import.meta.url), THREADS);
        },
        async run() {
          const parts: GatherRecord[][] = await Promise.all(jobs.map((job) => pool.run(job)));
          return parts.reduce((sum, records) => sum + readObjects(records), 0);
        },
        teardown: () => pool.destroy(),
      },
      {
        name: 'herd',
        setup() {
          herd = new Herd({ maxBytes: 256 << 20 });
          out = new Uint32Array(new SharedArrayBuffer(n * 4));
          herdWorkers = new WarmWorkers(new URL('./workers/herd-producer.js', import.meta.url), THREADS);
        },
        async run() {
          herd.reset();
          const shared = herd.toShared();
          await herdWorkers.run(jobs.map((job) => ({ ...job, herd: shared, out: out.buffer })));
          const m = herd.memory;
          let sum = 0;
          for (let i = 0; i < n; i++) {
            const p = out[i]!;
            sum += m.u32[p >>> 2]! + m.f64[(p >>> 3) + 1]! + m.str(m.u32[(p >>> 2) + 1]!).length;
          }
          return sum;
        },
        teardown: () => herdWorkers.close(),
      },
    ],
  };
});
