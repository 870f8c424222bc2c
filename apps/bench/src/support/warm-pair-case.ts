import type { BenchCase } from '../harness.js';
import type { WarmPair } from '../scope/workers/warm-pairs.js';
import { requireBatchChannels } from './batch-channels.js';
import { expectEqual, sumBelow } from './checks.js';

/** How a warm-pair case runs: `count` numbers a run, of a scenario counting `scenarioUnits`. */
export interface WarmPairOptions {
  count: number;
  scenarioUnits: number;
  vs?: string;
  note?: string;
  /** The case uses `sendMany`/`recvMany` (skipped where the packages lack them). */
  batchApi?: boolean;
}

/**
 * A case that moves `count` numbers over a pair of warm ends made at setup and checks that their
 * sum arrived: the one shape of every MessagePort and channel case in scope/channel*.
 */
export function warmPairCase(name: string, make: () => WarmPair, options: WarmPairOptions): BenchCase {
  const { count, scenarioUnits, vs, note, batchApi } = options;
  let pair: WarmPair | undefined;
  return {
    name,
    ...(note === undefined ? {} : { note }),
    ...(count === scenarioUnits ? {} : { units: count }),
    ...(vs === undefined ? {} : { vs }),
    setup() {
      if (batchApi) requireBatchChannels();
      pair = make();
    },
    run: () => pair!.run(count),
    verify: (sum) => expectEqual(sum, sumBelow(count), 'sum of the numbers received'),
    teardown: () => pair?.close(),
  };
}
