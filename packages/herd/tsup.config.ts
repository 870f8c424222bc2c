import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // CJS: import.meta.url becomes the file's URL, which the crossing protocol names for revival.
  shims: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
