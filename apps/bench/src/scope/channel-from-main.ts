import { DEFAULT_CHANNEL_CAPACITY } from '@herd/scope';
import type { BenchCase } from '../harness.js';
import { defineScenario } from '../harness.js';
import { requireBatchChannels } from '../support/batch-channels.js';
import { expectEqual, sumBelow } from '../support/checks.js';
import { warmPairCase } from '../support/warm-pair-case.js';
import { type MainToThread, mainToThread, messagePortFromMain } from './workers/warm-pairs.js';

/** Batch cases use `channel()`'s capacity, as in scope/channel. */
const BATCH_CAPACITY = DEFAULT_CHANNEL_CAPACITY;

/**
 * Numbers from the main thread to a warm thread: `sendManyAsync` in batches (the thread takes
 * them with `recvMany`), against a MessagePort, one number a message and in transferred batches
 * of the same sizes. Every run's sum, added up by the thread, is checked.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 200_000 : 1_000_000;
  const nOneByOne = quick ? 50_000 : 250_000;
  const check = (count: number) => (sum: unknown) =>
    expectEqual(sum, sumBelow(count), 'sum of the numbers received');

  const portCase = (name: string, batch: number, units: number, note: string): BenchCase =>
    warmPairCase(name, () => messagePortFromMain(batch), { count: units, scenarioUnits: n, note });

  function sendManyCase(batch: number): BenchCase {
    let thread: MainToThread | undefined;
    const values = new Float64Array(batch);
    return {
      name: `sendManyAsync, batches of ${batch}`,
      note: `the thread takes them with \`recvMany\` into a Float64Array of ${batch}; capacity ${BATCH_CAPACITY}`,
      vs: `MessagePort, batches of ${batch}`,
      setup() {
        requireBatchChannels();
        thread = mainToThread(BATCH_CAPACITY, batch);
      },
      async run() {
        const t = thread!;
        await t.expect(n);
        for (let i = 0; i < n; i += batch) {
          const m = Math.min(batch, n - i);
          for (let k = 0; k < m; k++) values[k] = i + k;
          await t.tx.sendManyAsync(m === batch ? values : values.subarray(0, m));
        }
        return t.sum();
      },
      verify: check(n),
      teardown: () => thread?.close(),
    };
  }

  return {
    id: 'scope/channel-from-main',
    title: `${n.toLocaleString('en')} numbers from the main thread to a warm thread`,
    units: n,
    unit: 'message',
    baseline: 'MessagePort',
    targets: [
      { case: 'sendManyAsync, batches of 64', vs: 'MessagePort, batches of 64', ratio: 2 },
      { case: 'sendManyAsync, batches of 4096', vs: 'MessagePort, batches of 4096', ratio: 2 },
    ],
    cases: [
      portCase('MessagePort', 1, nOneByOne, 'one number a message'),
      portCase('MessagePort, batches of 64', 64, n, 'transferred Float64Arrays of 64 numbers'),
      portCase('MessagePort, batches of 4096', 4096, n, 'transferred Float64Arrays of 4096 numbers'),
      sendManyCase(64),
      sendManyCase(4096),
    ],
  };
});
