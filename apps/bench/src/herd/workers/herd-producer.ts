// A warm worker that writes records into a herd: { id: u32, name: Ptr, value: f64 } in 16 bytes,
// and the record's Ptr into the shared `out` array. Only the message "done" comes back.
import { parentPort } from 'node:worker_threads';
import { Herd, type SharedHerd } from '@herd/herd';
import { makeRecord } from './records.js';

interface Job {
  herd: SharedHerd;
  out: SharedArrayBuffer;
  from: number;
  to: number;
}

let herd: Herd | undefined;
parentPort!.on('message', (job: Job) => {
  herd ??= Herd.fromShared(job.herd);
  const out = new Uint32Array(job.out);
  const bump = herd.get();
  const m = bump.memory;
  for (let i = job.from; i < job.to; i++) {
    const r = makeRecord(i);
    const p = bump.alloc(16);
    m.u32[p >>> 2] = r.id;
    m.u32[(p >>> 2) + 1] = bump.allocStr(r.name);
    m.f64[(p >>> 3) + 1] = r.value;
    out[i] = p;
  }
  bump.release();
  parentPort!.postMessage('done');
});
