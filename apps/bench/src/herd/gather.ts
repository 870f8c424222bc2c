import { Herd } from '@herd/herd';
import type { Piscina } from 'piscina';
import { defineScenario } from '../harness.js';
import { expectEqual } from '../support/checks.js';
import { fixedPiscina } from '../support/fixed-piscina.js';
import { WarmWorkers } from '../support/warm-workers.js';
import { readPacked } from './workers/packed-records.js';
import { expectedChecksum, type GatherRecord, readObjects } from './workers/records.js';
import { readShared, type SharedLayout, sharedLayout } from './workers/shared-layout.js';

const THREADS = 2;

function split(n: number): Array<{ from: number; to: number }> {
  return Array.from({ length: THREADS }, (_, t) => ({
    from: Math.floor((n * t) / THREADS),
    to: Math.floor((n * (t + 1)) / THREADS),
  }));
}

/**
 * Two warm workers make records `{ id: u32, value: f64, name: short string }` and the main thread
 * reads every field of every one (names as strings). The naive ways clone arrays of objects
 * (postMessage, piscina); the careful ones pack the records into a buffer and transfer it (by
 * hand, or with `Piscina.move`) or write them in place into a `SharedArrayBuffer` laid out by
 * hand; the herd writes them into shared memory through its members, and only "done" crosses.
 * The hand-written layouts decode names as fast as `memory.str` does, so the comparison is one
 * of layouts. Every run's checksum over every field is checked.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  const jobs = split(n);
  const expected = expectedChecksum(n);
  const verify = (sum: unknown) => expectEqual(sum, expected, 'checksum of every field of every record');
  // Each case has its own threads and memory, so that cases never share state even in one process.
  let herd: Herd;
  let out: Uint32Array;
  let layout: SharedLayout;
  const workers: Record<string, WarmWorkers> = {};
  const pools: Record<string, Piscina> = {};
  const warmWorkers = (name: string, file: string) => () => {
    workers[name] = new WarmWorkers(new URL(file, import.meta.url), THREADS);
  };
  const piscina = (name: string, file: string) => () => {
    pools[name] = fixedPiscina(new URL(file, import.meta.url), THREADS);
  };

  return {
    id: 'herd/gather',
    title: `${THREADS} workers make ${n.toLocaleString('en')} records, the main thread reads them all`,
    units: n,
    unit: 'record',
    baseline: 'postMessage',
    targets: [
      { case: 'herd', vs: 'postMessage', ratio: 10 },
      { case: 'herd', vs: 'piscina', ratio: 10 },
      { case: 'herd', vs: 'SharedArrayBuffer by hand', within: 1.15 },
      { case: 'herd', vs: 'transfer a packed buffer', ratio: 1 },
      { case: 'herd', vs: 'piscina + Piscina.move', ratio: 1 },
    ],
    cases: [
      {
        name: 'postMessage',
        note: 'arrays of objects, structured clone',
        setup: warmWorkers('postMessage', './workers/object-producer.js'),
        async run() {
          const parts = await workers.postMessage!.run<GatherRecord[]>(jobs);
          return parts.reduce((sum, records) => sum + readObjects(records), 0);
        },
        verify,
        teardown: () => workers.postMessage?.close(),
      },
      {
        name: 'piscina',
        note: 'arrays of objects returned from piscina tasks, structured clone',
        setup: piscina('clone', './workers/piscina-producer.js'),
        async run() {
          const parts: GatherRecord[][] = await Promise.all(jobs.map((job) => pools.clone!.run(job)));
          return parts.reduce((sum, records) => sum + readObjects(records), 0);
        },
        verify,
        teardown: () => pools.clone?.destroy(),
      },
      {
        name: 'transfer a packed buffer',
        note: 'each worker packs records and names into one ArrayBuffer and transfers it',
        setup: warmWorkers('packed', './workers/packed-producer.js'),
        async run() {
          const parts = await workers.packed!.run<ArrayBuffer>(jobs);
          return parts.reduce((sum, buffer, t) => sum + readPacked(buffer, jobs[t]!.to - jobs[t]!.from), 0);
        },
        verify,
        teardown: () => workers.packed?.close(),
      },
      {
        name: 'piscina + Piscina.move',
        note: 'the same packed buffer returned with `Piscina.move`',
        setup: piscina('move', './workers/piscina-move-producer.js'),
        async run() {
          const parts: ArrayBuffer[] = await Promise.all(jobs.map((job) => pools.move!.run(job)));
          return parts.reduce((sum, buffer, t) => sum + readPacked(buffer, jobs[t]!.to - jobs[t]!.from), 0);
        },
        verify,
        teardown: () => pools.move?.destroy(),
      },
      {
        name: 'SharedArrayBuffer by hand',
        note: 'fixed 16-byte records and 16-byte name slots in two SharedArrayBuffers made once',
        setup() {
          layout = sharedLayout(n);
          warmWorkers('shared', './workers/shared-producer.js')();
        },
        async run() {
          await workers.shared!.run(jobs.map((job) => ({ ...job, layout })));
          return readShared(layout, n);
        },
        verify,
        teardown: () => workers.shared?.close(),
      },
      {
        name: 'herd',
        note: 'each worker leases a member, `alloc(16)` + `allocStr`; Ptrs in a shared Uint32Array; `herd.reset()` each run',
        setup() {
          herd = new Herd({ maxBytes: 256 << 20 });
          out = new Uint32Array(new SharedArrayBuffer(n * 4));
          warmWorkers('herd', './workers/herd-producer.js')();
        },
        async run() {
          herd.reset();
          const shared = herd.toShared();
          await workers.herd!.run(jobs.map((job) => ({ ...job, herd: shared, out: out.buffer })));
          const m = herd.memory;
          let sum = 0;
          for (let i = 0; i < n; i++) {
            const p = out[i]!;
            sum += m.u32[p >>> 2]! + m.f64[(p >>> 3) + 1]! + m.str(m.u32[(p >>> 2) + 1]!).length;
          }
          return sum;
        },
        verify,
        teardown: () => workers.herd?.close(),
      },
    ],
  };
});
