import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  // @herd/shared is bundled in (a devDependency), and so are its types. `@internal` members are
  // left out of the declarations: users see the API, `Arena`'s subclasses its protected members.
  dts: { resolve: ['@herd/shared'], compilerOptions: { stripInternal: true } },
  // Classes keep their names (esbuild would otherwise print `_Bump` for a class with statics).
  keepNames: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
});
