import { defineConfig } from 'tsup';
import { platformBuilds } from '../../scripts/platform-builds.js';

export default defineConfig(
  platformBuilds({
    entry: { index: 'src/index.ts', runtime: 'src/runtime/index.ts' },
    types: { index: 'src/index.ts', runtime: 'src/runtime/index.ts' },
    worker: 'src/worker.ts',
    crossing: 'src/crossing.ts',
  }),
);
