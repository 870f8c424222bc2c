import { MessageChannel, Worker } from 'node:worker_threads';
import { type Receiver, type Sender, scope, syncChannel } from '@herd/scope';
import type { BatchReceiver, BatchSender } from '../../support/batch-channels.js';
import { NumberSink, postNumbers } from './port-numbers.js';

/** A warm producer and consumer: `run(n)` has n numbers go from one to the other and resolves with their sum. */
export interface WarmPair {
  run(n: number): Promise<number>;
  close(): Promise<void>;
}

/** Two warm workers joined by a MessageChannel, posting one number a message or transferred batches. */
export function messagePortPair(batch: number): WarmPair {
  const { port1, port2 } = new MessageChannel();
  const url = new URL('./port-pair.js', import.meta.url);
  const producer = new Worker(url, {
    workerData: { role: 'producer', port: port1, batch },
    transferList: [port1],
  });
  const consumer = new Worker(url, {
    workerData: { role: 'consumer', port: port2, batch },
    transferList: [port2],
  });
  const sums: Array<(sum: number) => void> = [];
  consumer.on('message', (sum: number) => sums.shift()?.(sum));
  return {
    run(n) {
      const sum = new Promise<number>((resolve) => sums.push(resolve));
      consumer.postMessage(n);
      producer.postMessage(n);
      return sum;
    },
    async close() {
      await Promise.all([producer.terminate(), consumer.terminate()]);
    },
  };
}

/** A warm worker posting numbers to the main thread on a MessagePort: `run(n)` resolves with their sum. */
export function messagePortToMain(batch: number): WarmPair {
  const { port1, port2 } = new MessageChannel();
  const producer = new Worker(new URL('./port-pair.js', import.meta.url), {
    workerData: { role: 'producer', port: port1, batch },
    transferList: [port1],
  });
  const sums: Array<(sum: number) => void> = [];
  const sink = new NumberSink((sum) => sums.shift()?.(sum));
  port2.on('message', (value: number | Float64Array) => sink.take(value));
  return {
    run(n) {
      const sum = new Promise<number>((resolve) => sums.push(resolve));
      sink.expect(n);
      producer.postMessage(n);
      return sum;
    },
    async close() {
      port2.close();
      await producer.terminate();
    },
  };
}

/** The main thread posting numbers to a warm worker on a MessagePort: `run(n)` resolves with the worker's sum. */
export function messagePortFromMain(batch: number): WarmPair {
  const { port1, port2 } = new MessageChannel();
  const consumer = new Worker(new URL('./port-pair.js', import.meta.url), {
    workerData: { role: 'consumer', port: port2, batch },
    transferList: [port2],
  });
  const sums: Array<(sum: number) => void> = [];
  consumer.on('message', (sum: number) => sums.shift()?.(sum));
  return {
    run(n) {
      const sum = new Promise<number>((resolve) => sums.push(resolve));
      consumer.postMessage(n);
      postNumbers(port1, n, batch);
      return sum;
    },
    async close() {
      port1.close();
      await consumer.terminate();
    },
  };
}

// The two threads' bodies. They are shipped to the threads as source text, so they use nothing
// but their arguments and globals. `batch` 0 sends and receives one number at a time.

function produce(orders: Receiver, tx: BatchSender, batch: number): void {
  if (batch === 0) {
    for (const count of orders) for (let i = 0; i < count; i++) tx.send(i);
    return;
  }
  const values = new Float64Array(batch);
  for (const count of orders) {
    for (let i = 0; i < count; i += batch) {
      const m = Math.min(batch, count - i);
      for (let k = 0; k < m; k++) values[k] = i + k;
      tx.sendMany(m === batch ? values : values.subarray(0, m));
    }
  }
}

function consume(orders: Receiver, rx: BatchReceiver, sums: Sender, batch: number): void {
  if (batch === 0) {
    for (const count of orders) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += rx.recv();
      sums.send(sum);
    }
    return;
  }
  const into = new Float64Array(batch);
  for (const count of orders) {
    let sum = 0;
    for (let got = 0; got < count; ) {
      const k = rx.recvMany(count - got >= batch ? into : into.subarray(0, count - got));
      if (k === 0) throw new Error('the channel closed early');
      for (let j = 0; j < k; j++) sum += into[j]!;
      got += k;
    }
    sums.send(sum);
  }
}

/**
 * Two warm scope threads joined by a `syncChannel(capacity)`: `send`/`recv` one number at a
 * time (`batch` 0) or `sendMany`/`recvMany` in batches. The parent gives orders and reads sums
 * through channels of their own.
 */
export function syncChannelPair(capacity: number, batch: number): WarmPair {
  const [tx, rx] = syncChannel(capacity);
  const [producerTx, producerRx] = syncChannel(1);
  const [consumerTx, consumerRx] = syncChannel(1);
  const [sumTx, sumRx] = syncChannel(1);
  const threads = scope((s) => {
    s.spawn(produce, producerRx, tx as BatchSender, batch);
    s.spawn(consume, consumerRx, rx as BatchReceiver, sumTx, batch);
  });
  return {
    async run(n) {
      await consumerTx.sendAsync(n);
      await producerTx.sendAsync(n);
      return sumRx.recvAsync();
    },
    async close() {
      producerTx.close();
      consumerTx.close();
      await threads;
      sumRx.close();
    },
  };
}

/** A warm scope thread sending numbers to the main thread on `rx`, `n` of them each time it is told. */
export interface ThreadToMain {
  rx: BatchReceiver;
  start(n: number): Promise<void>;
  close(): Promise<void>;
}

export function threadToMain(capacity: number, batch: number): ThreadToMain {
  const [tx, rx] = syncChannel(capacity);
  const [ordersTx, ordersRx] = syncChannel(1);
  const threads = scope((s) => {
    s.spawn(produce, ordersRx, tx as BatchSender, batch);
  });
  return {
    rx: rx as BatchReceiver,
    start: (n) => ordersTx.sendAsync(n),
    async close() {
      ordersTx.close();
      await threads;
      rx.close();
    },
  };
}

/** A warm scope thread receiving numbers from the main thread on `tx` and answering with their sum. */
export interface MainToThread {
  tx: BatchSender;
  expect(n: number): Promise<void>;
  sum(): Promise<number>;
  close(): Promise<void>;
}

export function mainToThread(capacity: number, batch: number): MainToThread {
  const [tx, rx] = syncChannel(capacity);
  const [ordersTx, ordersRx] = syncChannel(1);
  const [sumTx, sumRx] = syncChannel(1);
  const threads = scope((s) => {
    s.spawn(consume, ordersRx, rx as BatchReceiver, sumTx, batch);
  });
  return {
    tx: tx as BatchSender,
    expect: (n) => ordersTx.sendAsync(n),
    sum: () => sumRx.recvAsync(),
    async close() {
      ordersTx.close();
      tx.close();
      await threads;
      sumRx.close();
    },
  };
}
