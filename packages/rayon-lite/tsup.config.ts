import { defineConfig } from 'tsup';
import { platformBuilds } from '../../scripts/platform-builds.js';

export default defineConfig(
  platformBuilds({ index: 'src/index.ts' }, 'src/worker.ts', { index: 'src/index.ts' }),
);
