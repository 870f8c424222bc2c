// The MessagePort baseline of scope/channel, kept warm across runs: the parent tells the producer
// how many numbers to post (one a message) and the consumer how many to expect; the consumer
// answers with their sum once it has them all.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

const { role, port } = workerData as { role: 'producer' | 'consumer'; port: MessagePort };

if (role === 'producer') {
  parentPort!.on('message', (n: number) => {
    for (let i = 0; i < n; i++) port.postMessage(i);
  });
} else {
  let expected = -1;
  let count = 0;
  let sum = 0;
  const settle = () => {
    if (count !== expected) return;
    parentPort!.postMessage(sum);
    expected = -1;
    count = 0;
    sum = 0;
  };
  port.on('message', (value: number) => {
    sum += value;
    count++;
    settle();
  });
  parentPort!.on('message', (n: number) => {
    expected = n;
    settle();
  });
}
