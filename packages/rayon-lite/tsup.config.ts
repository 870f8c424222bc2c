import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', worker: 'src/worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  // CJS: import.meta.url becomes the file's URL, so the worker entry is found beside the bundle.
  shims: true,
  // The worker entry stays one file.
  splitting: false,
  // Classes keep their names (esbuild would otherwise print `_Bump` for a class with statics).
  keepNames: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
