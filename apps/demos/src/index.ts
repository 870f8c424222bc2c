// `pnpm start`: the two seed examples of the design, then a real-world job.
import { logAnalytics } from './log-analytics.js';
import { seedChannel } from './seed-channel.js';
import { seedParallelHerd } from './seed-parallel-herd.js';

const demos: Array<[string, () => Promise<void>]> = [
  ['Parallel iterator into a herd (results outlive the iterator)', seedParallelHerd],
  ['Scoped producer and consumer over a channel', seedChannel],
  ['Parse a 50 MB access log in parallel, query it on the main thread', () => logAnalytics()],
];

let failed = 0;
for (const [title, run] of demos) {
  console.log(`\n▶ ${title}`);
  try {
    await run();
  } catch (error) {
    failed++;
    console.error(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
console.log(failed === 0 ? '\nAll demos ran.' : `\n${failed} demo(s) failed.`);
process.exitCode = failed === 0 ? 0 : 1;
