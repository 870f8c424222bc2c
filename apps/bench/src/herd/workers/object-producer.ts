// A warm worker that builds the records as objects and posts the array back (structured clone).
import { parentPort } from 'node:worker_threads';
import { type GatherRecord, makeRecord } from './records.js';

parentPort!.on('message', ({ from, to }: { from: number; to: number }) => {
  const records: GatherRecord[] = new Array(to - from);
  for (let i = from; i < to; i++) records[i - from] = makeRecord(i);
  parentPort!.postMessage(records);
});
