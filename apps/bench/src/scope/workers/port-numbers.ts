import type { MessagePort } from 'node:worker_threads';

/**
 * Posts the numbers 0..n-1 on `port`: one a message when `batch` is 1, else in Float64Arrays of
 * `batch` numbers whose buffers are transferred, as a careful user batches a MessagePort.
 */
export function postNumbers(port: MessagePort, n: number, batch: number): void {
  if (batch === 1) {
    for (let i = 0; i < n; i++) port.postMessage(i);
    return;
  }
  for (let i = 0; i < n; i += batch) {
    const values = new Float64Array(Math.min(batch, n - i));
    for (let k = 0; k < values.length; k++) values[k] = i + k;
    port.postMessage(values, [values.buffer]);
  }
}

/**
 * Adds up what arrives on a port (single numbers or batches) and calls `done(sum)` once it has
 * as many numbers as `expect(n)` asked for; then it waits for the next `expect`.
 */
export class NumberSink {
  private expected = -1;
  private count = 0;
  private sum = 0;

  constructor(private readonly done: (sum: number) => void) {}

  expect(n: number): void {
    this.expected = n;
    this.settle();
  }

  take(value: number | Float64Array): void {
    if (typeof value === 'number') {
      this.sum += value;
      this.count++;
    } else {
      let sum = 0;
      for (let k = 0; k < value.length; k++) sum += value[k]!;
      this.sum += sum;
      this.count += value.length;
    }
    this.settle();
  }

  private settle(): void {
    if (this.count !== this.expected) return;
    const sum = this.sum;
    this.expected = -1;
    this.count = 0;
    this.sum = 0;
    this.done(sum);
  }
}
