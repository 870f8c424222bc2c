import { Worker } from 'node:worker_threads';
import { type Receiver, type Sender, scope, syncChannel } from '@herd/scope';
import { defineScenario } from '../harness.js';

const CAPACITY = 4096;

/**
 * One thread sends numbers, one a message, to another: a SharedArrayBuffer channel against
 * MessagePort.postMessage. Both pairs of threads are started once and kept warm, so a run measures
 * messages, not thread start-up: each run the parent asks the producer for `n` numbers and the
 * consumer for their sum, checked against n(n-1)/2.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 400_000 : 5_000_000;
  const expected = (n * (n - 1)) / 2;
  const check = (sum: number) => {
    if (sum !== expected) throw new Error(`received sum ${sum}, expected ${expected}`);
  };

  let producer: Worker;
  let consumer: Worker;
  const sums: Array<(sum: number) => void> = [];

  let toProducer: Sender;
  let toConsumer: Sender;
  let fromConsumer: Receiver;
  let threads: Promise<unknown>;

  return {
    id: 'scope/channel',
    title: `${n.toLocaleString('en')} numbers from one warm thread to another`,
    units: n,
    unit: 'message',
    baseline: 'MessagePort',
    targets: [{ case: 'syncChannel', vs: 'MessagePort', ratio: 20 }],
    cases: [
      {
        name: 'MessagePort',
        setup() {
          const { port1, port2 } = new MessageChannel();
          const url = new URL('./workers/port-pair.js', import.meta.url);
          producer = new Worker(url, {
            workerData: { role: 'producer', port: port1 },
            transferList: [port1 as never],
          });
          consumer = new Worker(url, {
            workerData: { role: 'consumer', port: port2 },
            transferList: [port2 as never],
          });
          consumer.on('message', (sum: number) => sums.shift()?.(sum));
        },
        async run() {
          const sum = new Promise<number>((resolve) => sums.push(resolve));
          consumer.postMessage(n);
          producer.postMessage(n);
          check(await sum);
        },
        async teardown() {
          await Promise.all([producer.terminate(), consumer.terminate()]);
        },
      },
      {
        name: 'syncChannel',
        setup() {
          const [tx, rx] = syncChannel(CAPACITY);
          const [producerTx, producerRx] = syncChannel(1);
          const [consumerTx, consumerRx] = syncChannel(1);
          const [sumTx, sumRx] = syncChannel(1);
          threads = scope((s) => {
            s.spawn(
              (orders: Receiver, tx: Sender) => {
                for (const count of orders) for (let i = 0; i < count; i++) tx.send(i);
              },
              producerRx,
              tx,
            );
            s.spawn(
              (orders: Receiver, rx: Receiver, sums: Sender) => {
                for (const count of orders) {
                  let sum = 0;
                  for (let i = 0; i < count; i++) sum += rx.recv();
                  sums.send(sum);
                }
              },
              consumerRx,
              rx,
              sumTx,
            );
          });
          toProducer = producerTx;
          toConsumer = consumerTx;
          fromConsumer = sumRx;
        },
        async run() {
          await toConsumer.sendAsync(n);
          await toProducer.sendAsync(n);
          check(await fromConsumer.recvAsync());
        },
        async teardown() {
          toProducer.close();
          toConsumer.close();
          await threads;
          fromConsumer.close();
        },
      },
    ],
  };
});
