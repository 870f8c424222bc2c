// The two builds of a package that starts threads: one for worker_threads platforms (Node, Bun,
// Deno: ESM and CJS) and one for browsers (ESM, in dist/browser). They differ in one thing: each
// `*-node.ts` module a source imports (the platform seam, the literal that starts the package's
// worker entry) is swapped for its `*-web.ts` sibling in the browser build, so no `node:` import
// is reachable from the browser entry and nothing in the hot paths pays for a run-time check.
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const webSiblings: Plugin = {
  name: 'herd-web-siblings',
  setup(build) {
    build.onResolve({ filter: /-node\.js$/ }, (args) => ({
      path: `${args.resolveDir}/${args.path.replace(/-node\.js$/, '-web.ts')}`,
    }));
  },
};

/**
 * The tsup configurations of a package whose `entry` (name → source) holds its public entries
 * and its worker entry; `types` names the entries that get declarations.
 */
export function platformBuilds(entry: Record<string, string>, types: Record<string, string>): Options[] {
  const common: Options = {
    entry,
    // The worker entry stays one file.
    splitting: false,
    // Classes keep their names (esbuild would otherwise print `_Bump` for a class with statics).
    keepNames: true,
    target: 'es2022',
    sourcemap: true,
  };
  return [
    {
      ...common,
      format: ['esm', 'cjs'],
      dts: { entry: types },
      // CJS: import.meta.url becomes the file's URL, so the worker entry is found beside the bundle.
      shims: true,
      platform: 'node',
      target: 'node20',
      clean: true,
    },
    {
      ...common,
      format: ['esm'],
      outDir: 'dist/browser',
      platform: 'browser',
      esbuildPlugins: [webSiblings],
    },
  ];
}
