// A warm worker that packs its records into one ArrayBuffer and transfers it back (no clone).
import { parentPort } from 'node:worker_threads';
import { packRecords } from './packed-records.js';

parentPort!.on('message', ({ from, to }: { from: number; to: number }) => {
  const buffer = packRecords(from, to);
  parentPort!.postMessage(buffer, [buffer]);
});
