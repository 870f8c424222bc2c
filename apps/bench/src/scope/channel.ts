import { DEFAULT_CHANNEL_CAPACITY } from '@herd/scope';
import type { BenchCase } from '../harness.js';
import { defineScenario } from '../harness.js';
import { warmPairCase } from '../support/warm-pair-case.js';
import { messagePortPair, syncChannelPair, type WarmPair } from './workers/warm-pairs.js';

const CAPACITY = 4096;
/**
 * Batch cases use `channel()`'s capacity, the nearest thing to a MessagePort's unbounded queue:
 * a small ring makes the sender park and be woken once per ring-full, and on this VM that wake
 * costs more than the numbers (see the scope README).
 */
const BATCH_CAPACITY = DEFAULT_CHANNEL_CAPACITY;

/**
 * Numbers from one warm thread to another: `syncChannel` one at a time and in batches
 * (`sendMany`/`recvMany`), against MessagePort one number a message and in transferred batches
 * of the same sizes. Both threads of every case are started once and kept warm, so a run
 * measures messages, not thread start-up: each run the parent asks the producer for n numbers
 * and the consumer for their sum, checked against n(n-1)/2.
 */
export default defineScenario(({ quick }) => {
  const n = quick ? 400_000 : 5_000_000;
  // One number a message is slow: a tenth of the numbers give it as many runs as the others.
  const nOneByOne = quick ? 100_000 : 500_000;

  const warmCase = (
    name: string,
    make: () => WarmPair,
    options: { units?: number; vs?: string; note?: string; batchApi?: boolean } = {},
  ): BenchCase => {
    const { units, ...rest } = options;
    return warmPairCase(name, make, { count: units ?? n, scenarioUnits: n, ...rest });
  };

  return {
    id: 'scope/channel',
    title: `${n.toLocaleString('en')} numbers from one warm thread to another`,
    units: n,
    unit: 'message',
    baseline: 'MessagePort',
    targets: [
      { case: 'syncChannel', vs: 'MessagePort', ratio: 20 },
      { case: 'sendMany/recvMany, batches of 64', vs: 'MessagePort, batches of 64', ratio: 2 },
      { case: 'sendMany/recvMany, batches of 4096', vs: 'MessagePort, batches of 4096', ratio: 2 },
    ],
    cases: [
      warmCase('MessagePort', () => messagePortPair(1), { units: nOneByOne, note: 'one number a message' }),
      warmCase('MessagePort, batches of 64', () => messagePortPair(64), {
        note: 'a Float64Array of 64 numbers a message, its buffer transferred',
      }),
      warmCase('MessagePort, batches of 4096', () => messagePortPair(4096), {
        note: 'a Float64Array of 4096 numbers a message, its buffer transferred',
      }),
      warmCase('syncChannel', () => syncChannelPair(CAPACITY, 0), {
        note: `\`send\`/\`recv\` one number at a time, capacity ${CAPACITY}`,
      }),
      warmCase('sendMany/recvMany, batches of 64', () => syncChannelPair(BATCH_CAPACITY, 64), {
        vs: 'MessagePort, batches of 64',
        note: `capacity ${BATCH_CAPACITY}`,
        batchApi: true,
      }),
      warmCase('sendMany/recvMany, batches of 4096', () => syncChannelPair(BATCH_CAPACITY, 4096), {
        vs: 'MessagePort, batches of 4096',
        note: `capacity ${BATCH_CAPACITY}`,
        batchApi: true,
      }),
    ],
  };
});
