import { defineConfig } from 'tsup';
import { platformBuilds } from '../../scripts/platform-builds.js';

export default defineConfig(
  platformBuilds({
    entry: { index: 'src/index.ts' },
    types: { index: 'src/index.ts' },
    crossing: 'src/crossing.ts',
    bundled: ['@herd/bump'],
  }),
);
