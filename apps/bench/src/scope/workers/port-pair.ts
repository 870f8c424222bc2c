// The MessagePort baseline of scope/channel: a producer posts `n` numbers, one a message, to a
// consumer over a MessageChannel; the consumer tells the parent when it has counted them all.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

const { role, n, port } = workerData as { role: 'producer' | 'consumer'; n: number; port: MessagePort };

if (role === 'producer') {
  for (let i = 0; i < n; i++) port.postMessage(i);
  port.close();
} else {
  let count = 0;
  let sum = 0;
  port.on('message', (value: number) => {
    sum += value;
    if (++count === n) {
      parentPort?.postMessage(sum);
      port.close();
    }
  });
}
