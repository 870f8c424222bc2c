import { DEFAULT_CHANNEL_CAPACITY } from '@herd/scope';
import type { BenchCase } from '../harness.js';
import { defineScenario } from '../harness.js';
import { requireBatchChannels } from '../support/batch-channels.js';
import { expectEqual, sumBelow } from '../support/checks.js';
import { warmPairCase } from '../support/warm-pair-case.js';
import { messagePortToMain, type ThreadToMain, threadToMain } from './workers/warm-pairs.js';

const CAPACITY = 4096;
/** Batch cases use `channel()`'s capacity, as in scope/channel. */
const BATCH_CAPACITY = DEFAULT_CHANNEL_CAPACITY;

/**
 * Numbers from a warm thread to the main thread, which cannot block and so awaits: `for await`
 * over a `Receiver` (the thread sends one at a time) and `recvManyAsync` into a Float64Array (the
 * thread sends with `sendMany`), against a MessagePort, one number a message and in transferred
 * batches, and against a bare `for await` over numbers already in the main thread (the floor of
 * any `for await`). Every run's sum is checked.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  const nOneByOne = quick ? 50_000 : 250_000;
  const check = (count: number) => (sum: unknown) =>
    expectEqual(sum, sumBelow(count), 'sum of the numbers received');

  const portCase = (name: string, batch: number, units: number, note: string): BenchCase =>
    warmPairCase(name, () => messagePortToMain(batch), { count: units, scenarioUnits: n, note });

  function channelCase(
    name: string,
    batch: number,
    receive: (feed: ThreadToMain) => Promise<number>,
    options: { vs?: string; note?: string },
  ): BenchCase {
    let feed: ThreadToMain | undefined;
    return {
      name,
      ...options,
      setup() {
        if (batch > 0) requireBatchChannels();
        feed = threadToMain(batch > 0 ? BATCH_CAPACITY : CAPACITY, batch);
      },
      async run() {
        await feed!.start(n);
        return receive(feed!);
      },
      verify: check(n),
      teardown: () => feed?.close(),
    };
  }

  const receiveMany = (batch: number) => async (feed: ThreadToMain) => {
    const into = new Float64Array(batch);
    let sum = 0;
    for (let got = 0; got < n; ) {
      const k = await feed.rx.recvManyAsync(n - got >= batch ? into : into.subarray(0, n - got));
      if (k === 0) throw new Error('the channel closed early');
      for (let j = 0; j < k; j++) sum += into[j]!;
      got += k;
    }
    return sum;
  };

  let numbers: Float64Array;
  return {
    id: 'scope/channel-main',
    title: `${n.toLocaleString('en')} numbers from a warm thread to the main thread`,
    units: n,
    unit: 'message',
    baseline: 'MessagePort',
    targets: [
      { case: 'for await over a Receiver', vs: 'bare for await', within: 1.5 },
      { case: 'recvManyAsync, batches of 4096', vs: 'MessagePort', ratio: 20 },
      { case: 'recvManyAsync, batches of 64', vs: 'MessagePort, batches of 64', ratio: 2 },
      { case: 'recvManyAsync, batches of 4096', vs: 'MessagePort, batches of 4096', ratio: 2 },
    ],
    cases: [
      portCase('MessagePort', 1, nOneByOne, "one number a message, `port.on('message')` on the main thread"),
      portCase('MessagePort, batches of 64', 64, n, 'transferred Float64Arrays of 64 numbers'),
      portCase('MessagePort, batches of 4096', 4096, n, 'transferred Float64Arrays of 4096 numbers'),
      {
        name: 'bare for await',
        note: "`for await` over an async iterator whose `next()` returns a resolved promise of the Float64Array's next number, no thread: the floor of any `for await`",
        vs: null,
        setup() {
          numbers = new Float64Array(n);
          for (let i = 0; i < n; i++) numbers[i] = i;
        },
        async run() {
          const values = numbers;
          let i = 0;
          const iterator: AsyncIterableIterator<number> = {
            next: () =>
              Promise.resolve(
                i < values.length
                  ? { value: values[i++]!, done: false }
                  : ({ value: undefined, done: true } as IteratorReturnResult<undefined>),
              ),
            [Symbol.asyncIterator]() {
              return this;
            },
          };
          let sum = 0;
          for await (const value of iterator) sum += value;
          return sum;
        },
        verify: check(n),
      },
      channelCase(
        'for await over a Receiver',
        0,
        async (feed) => {
          let sum = 0;
          let count = 0;
          for await (const value of feed.rx) {
            sum += value;
            if (++count === n) break;
          }
          return sum;
        },
        { vs: 'bare for await', note: 'the thread `send`s one number at a time' },
      ),
      channelCase('recvManyAsync, batches of 64', 64, receiveMany(64), {
        vs: 'MessagePort, batches of 64',
        note: `the thread \`sendMany\`s batches of 64; capacity ${BATCH_CAPACITY}`,
      }),
      channelCase('recvManyAsync, batches of 4096', 4096, receiveMany(4096), {
        vs: 'MessagePort, batches of 4096',
        note: `the thread \`sendMany\`s batches of 4096; capacity ${BATCH_CAPACITY}`,
      }),
    ],
  };
});
