import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // CJS: import.meta.url becomes the file's URL, which the crossing protocol names for revival.
  shims: true,
  // Classes keep their names (esbuild would otherwise print `_Bump` for a class with statics).
  keepNames: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
