import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/**/*.ts'],
  format: ['esm'],
  bundle: false,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
