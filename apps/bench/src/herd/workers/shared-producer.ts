// A warm worker that writes its records in place into the hand-made shared layout; only "done" comes back.
import { parentPort } from 'node:worker_threads';
import { type SharedLayout, writeShared } from './shared-layout.js';

parentPort!.on('message', ({ layout, from, to }: { layout: SharedLayout; from: number; to: number }) => {
  writeShared(layout, from, to);
  parentPort!.postMessage('done');
});
