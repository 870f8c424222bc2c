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
 * The tsup configurations of a package, each built for worker_threads platforms and for browsers:
 * its public `entry` points (name → source; `types` names those that get declarations); its
 * `worker` entry, if it starts threads (the file `new Worker(new URL('./worker.js',
 * import.meta.url))` starts); and, if it has crossables, its `crossing` entry: in the browser
 * build, the self-contained module a thread imports to revive them (crossing-module-web.ts), with
 * the `bundled` packages it needs inside it. The package's build script empties dist first.
 */
export function platformBuilds(options: {
  entry: Record<string, string>;
  types: Record<string, string>;
  worker?: string;
  crossing?: string;
  bundled?: string[];
}): Options[] {
  const { entry, types, worker, crossing, bundled = [] } = options;
  const common: Options = {
    // An entry stays one file (a worker entry must; the others need nothing more).
    splitting: false,
    target: 'es2022',
    sourcemap: true,
  };
  // Public entries keep their classes' names (esbuild would otherwise print `_Sender` for a class
  // that refers to itself). Worker entries do not: keepNames wraps every named closure in a call
  // that redefines its `name`, which cost a pool worker ~2.7 us of its ~9.7 us per call, and
  // nothing there shows a class's name to a user.
  const node: Options = { ...common, platform: 'node', target: 'node20' };
  const browser: Options = { ...common, format: ['esm'], platform: 'browser', esbuildPlugins: [webSiblings] };
  const builds: Options[] = [
    // CJS: import.meta.url becomes the file's URL, so the worker entry is found beside the bundle.
    {
      ...node,
      entry,
      format: ['esm', 'cjs'],
      dts: { entry: types, resolve: ['@herd/shared'], compilerOptions: { stripInternal: true } },
      shims: true,
      keepNames: true,
    },
    { ...browser, entry, outDir: 'dist/browser', keepNames: true },
  ];
  if (worker !== undefined) {
    builds.push(
      { ...node, entry: { worker }, format: ['esm'], keepNames: false },
      { ...browser, entry: { worker }, outDir: 'dist/browser', keepNames: false },
    );
  }
  if (crossing !== undefined) {
    builds.push({
      ...browser,
      entry: { crossing },
      outDir: 'dist/browser',
      keepNames: true,
      noExternal: bundled,
    });
  }
  return builds;
}
