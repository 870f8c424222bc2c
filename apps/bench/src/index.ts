import { runSuite } from './run-suite.js';

// Exit explicitly: a scenario that leaves a worker or timer behind must not keep the runner alive.
process.exit(await runSuite(process.argv.slice(2)));
