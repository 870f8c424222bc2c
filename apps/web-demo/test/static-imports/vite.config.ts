// The static-imports page of scripts/check-web-demo.mjs: the demo's configuration, this root.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import demo from '../../vite.config.js';

export default mergeConfig(
  demo,
  defineConfig({
    root: fileURLToPath(new URL('.', import.meta.url)),
    build: {
      outDir: fileURLToPath(new URL('../../dist/static-imports', import.meta.url)),
      emptyOutDir: true,
    },
  }),
);
