import { defineConfig } from 'tsup';
import { platformBuilds } from '../../scripts/platform-builds.js';

export default defineConfig(
  platformBuilds({
    entry: { index: 'src/index.ts' },
    types: { index: 'src/index.ts' },
    worker: 'src/worker/worker.ts',
  }),
);
