// The MessagePort baselines of the channel scenarios, kept warm across runs. A producer posts
// the numbers 0..n-1 on its port (one a message, or in transferred batches) each time its parent
// sends it n; a consumer adds up what its port brings and answers with the sum once it has the
// n its parent said to expect.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { NumberSink, postNumbers } from './port-numbers.js';

const { role, port, batch } = workerData as {
  role: 'producer' | 'consumer';
  port: MessagePort;
  batch: number;
};

if (role === 'producer') {
  parentPort!.on('message', (n: number) => postNumbers(port, n, batch));
} else {
  const sink = new NumberSink((sum) => parentPort!.postMessage(sum));
  port.on('message', (value: number | Float64Array) => sink.take(value));
  parentPort!.on('message', (n: number) => sink.expect(n));
}
