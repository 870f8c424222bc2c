import { Worker } from 'node:worker_threads';
import { type Receiver, type Sender, scope, syncChannel } from '@herd/scope';
import { defineScenario } from '../harness.js';

const CAPACITY = 4096;

function viaPorts(n: number): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const url = new URL('./workers/port-pair.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const consumer = new Worker(url, {
      workerData: { role: 'consumer', n, port: port2 },
      transferList: [port2 as never],
    });
    const producer = new Worker(url, {
      workerData: { role: 'producer', n, port: port1 },
      transferList: [port1 as never],
    });
    producer.on('error', reject);
    consumer.on('error', reject);
    consumer.once('message', (sum: number) => {
      consumer.once('exit', () => resolve(sum));
    });
  });
}

function viaChannel(n: number): Promise<number> {
  const [tx, rx] = syncChannel(CAPACITY);
  return scope(async (s) => {
    s.spawn(
      (tx: Sender, n: number) => {
        for (let i = 0; i < n; i++) tx.send(i);
      },
      tx,
      n,
    );
    return s
      .spawn((rx: Receiver) => {
        let sum = 0;
        for (const value of rx) sum += value;
        return sum;
      }, rx)
      .join();
  });
}

/**
 * One thread sends numbers, one a message, to another: a SharedArrayBuffer channel against
 * MessagePort.postMessage. Each run starts both threads (in both cases) and the receiving thread
 * sums every number, checked against n(n-1)/2. Two thread starts cost some 40-80 ms here, about
 * what the channel needs for a few million numbers, so the full run sends 5M for the figure to be
 * per-message throughput rather than start-up; --quick keeps 400k.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 400_000 : 5_000_000;
  const expected = (n * (n - 1)) / 2;
  const check = (sum: number) => {
    if (sum !== expected) throw new Error(`received sum ${sum}, expected ${expected}`);
  };
  return {
    id: 'scope/channel',
    title: `${n.toLocaleString('en')} numbers from one thread to another`,
    units: n,
    unit: 'message',
    baseline: 'MessagePort',
    targets: [{ case: 'syncChannel', vs: 'MessagePort', ratio: 20 }],
    cases: [
      { name: 'MessagePort', run: async () => check(await viaPorts(n)) },
      { name: 'syncChannel', run: async () => check(await viaChannel(n)) },
    ],
  };
});
