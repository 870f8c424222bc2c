// The vitest configuration of a package's browser suite: its tests in headless Chromium (vitest's
// browser mode, driven by Playwright), in a cross-origin isolated page, against the packages'
// browser builds (`@herd/scope` and `@herd/rayon-lite` resolve to dist/browser/ through the
// `browser` exports condition). Used by each package's vitest.browser.config.ts; run through
// scripts/test-runtimes.mjs, which skips the suite (loudly) on a machine without Chromium.
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { chromiumPath, INSTALL_CHROMIUM } from './chromium.mjs';

type Plugin = NonNullable<ViteUserConfig['plugins']>[number];

/**
 * The headers that make a page cross-origin isolated, so `SharedArrayBuffer` exists in it and in
 * its workers.
 */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * vitest's browser mode rewrites every dynamic `import()` into
 * `__vitest_browser_runner__.wrapDynamicImport(() => import(...))`. It defines that global in the
 * page, and in a worker only when the worker was started from a file Vite recognized as a worker
 * (`?worker_file`), which the packages' dist files are not: the thread runtime imports module tasks
 * and crossing modules by URL inside its workers, and would fail with "Cannot read properties of
 * undefined (reading 'wrapDynamicImport')" (vitest-dev/vitest#8960). This defines the global as a
 * pass-through in worker entry files. Test infrastructure only: a real page built by Vite never
 * sees the rewrite.
 */
export const shimDynamicImportInWorkers: Plugin = {
  name: 'herd:shim-vitest-dynamic-import-in-workers',
  transform(code, id) {
    if (/[\\/][^\\/]*worker[^\\/]*\.[cm]?[jt]s(\?|$)/.test(id)) {
      return {
        code: `globalThis.__vitest_browser_runner__ ??= { wrapDynamicImport: (f) => f() };\n${code}`,
        map: null,
      };
    }
    return undefined;
  },
};

/**
 * The same swap the browser build makes (scripts/platform-builds.ts): a test that imports a
 * package's source gets each `*-node.ts` module's `*-web.ts` sibling, so no `node:` import of the
 * package is reached in the page.
 */
export const webSiblings: Plugin = {
  name: 'herd:web-siblings',
  enforce: 'pre',
  resolveId(source, importer) {
    if (importer === undefined || !/-node\.js$/.test(source) || !source.startsWith('.')) return undefined;
    const web = join(dirname(importer.replace(/\?.*$/, '')), source.replace(/-node\.js$/, '-web.ts'));
    return existsSync(web) ? web : undefined;
  },
};

const STUB_PREFIX = '\0herd-node-stub:';
/** Pure helpers some test files call at load time (to name a fixture file): they work as in Node. */
const PURE: Record<string, string> = {
  fileURLToPath: 'export const fileURLToPath = (url) => decodeURIComponent(new URL(url).pathname);',
  promisify:
    'export const promisify = (fn) => (...args) => new Promise((resolve, reject) => fn(...args, (e, v) => (e ? reject(e) : resolve(v))));',
};

/**
 * Tests that import the package's own build by URL in a thread (channel ends revived from another
 * copy of the package) name `../dist/index.js`, the worker_threads build; in the page the
 * package's build is `../dist/browser/index.js`. Test files of packages that have one only.
 */
export const browserBuildInTests: Plugin = {
  name: 'herd:browser-build-in-tests',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]test[\\/]/.test(id)) return undefined;
    const pattern = /(['"`])\.\.\/dist\/(index|runtime)\.js\1/g;
    if (!pattern.test(code)) return undefined;
    const browserBuild = join(id.replace(/[\\/]test[\\/].*$/, ''), 'dist', 'browser');
    if (!existsSync(browserBuild)) return undefined;
    return { code: code.replace(pattern, '$1../dist/browser/$2.js$1'), map: null };
  },
};

/**
 * Vite refuses to serve a file that starts a worker from a template string
 * (`new Worker(new URL(\`./fixtures/${name}\`, import.meta.url))`: "not supported in dynamic
 * template string"), which test helpers that start `node:worker_threads` fixtures do. Those tests
 * are Node-only, but the helper file must still load: `new globalThis.URL(…)` is the same
 * expression and is not taken for a worker to bundle. Test files only.
 */
export const dynamicWorkerUrlsInTests: Plugin = {
  name: 'herd:dynamic-worker-urls-in-tests',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]test[\\/]/.test(id)) return undefined;
    const pattern = /\bnew\s+Worker\s*\(\s*new\s+URL\s*\(\s*(?=`[^`]*\$\{)/g;
    if (!pattern.test(code)) return undefined;
    return { code: code.replace(pattern, 'new Worker(new globalThis.URL('), map: null };
  },
};

/**
 * What a module task of a test fixture reads from `node:worker_threads` about its thread, answered
 * in a Web Worker as the runtime answers it (its thread context, which on worker_threads platforms
 * holds worker_threads' own `threadId`).
 */
const WEB_THREAD: Record<string, string> = {
  threadId: "export const threadId = globalThis[Symbol.for('@herd/thread')]?.id ?? 0;",
  isMainThread: "export const isMainThread = typeof WorkerGlobalScope === 'undefined';",
};

/** Exports of Node modules that a page has as globals, with the same meaning. */
const PAGE_GLOBALS = new Set(['URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder']);

/**
 * Test files import Node modules for their Node-only tests (child processes, `gc`,
 * `worker_threads`); those tests are marked (`it.runIf(onNode)`) and skipped here, but the file
 * must still load in the page. Each `node:` import from a test file becomes a module with the same
 * export names whose functions throw a clear error when called (the pure URL helpers work).
 * Only test files get these: an import of a `node:` module from a package's source is left alone,
 * and fails the run, as it must.
 */
export const nodeBuiltinsForTests: Plugin = {
  name: 'herd:node-builtins-for-tests',
  enforce: 'pre',
  resolveId(source, importer) {
    const name = source.replace(/^node:/, '');
    if (!builtinModules.includes(name) || importer === undefined) return undefined;
    if (!/[\\/]test[\\/]/.test(importer)) return undefined;
    return `${STUB_PREFIX}${name}`;
  },
  async load(id) {
    if (!id.startsWith(STUB_PREFIX)) return undefined;
    const name = id.slice(STUB_PREFIX.length);
    const real = (await import(`node:${name}`)) as Record<string, unknown>;
    const lines = [
      `const unavailable = (what) => function () { throw new Error('node:${name} ' + what + ' is not available in a browser: a test that calls it must be marked Node-only'); };`,
    ];
    for (const key of Object.keys(real)) {
      if (key === 'default' || !/^[A-Za-z_$][\w$]*$/.test(key)) continue;
      if (PAGE_GLOBALS.has(key)) lines.push(`export const ${key} = globalThis.${key};`);
      else if (name === 'worker_threads' && key in WEB_THREAD) lines.push(WEB_THREAD[key]!);
      else lines.push(PURE[key] ?? `export const ${key} = unavailable(${JSON.stringify(key)});`);
    }
    lines.push('export default {};');
    return lines.join('\n');
  },
};

/**
 * A package's browser suite configuration.
 *
 * @param options.exclude - test files that only make sense on worker_threads platforms, each with
 *   its reason (they never load in the page)
 */
export function browserSuite(options: { exclude?: Record<string, string> } = {}) {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error(`no Chromium found for the browser suite: ${INSTALL_CHROMIUM}`);
  }
  return defineConfig({
    plugins: [
      webSiblings,
      nodeBuiltinsForTests,
      browserBuildInTests,
      dynamicWorkerUrlsInTests,
      shimDynamicImportInWorkers,
    ],
    server: { headers: crossOriginIsolation },
    test: {
      include: ['test/**/*.test.ts'],
      exclude: Object.keys(options.exclude ?? {}),
      testTimeout: 30_000,
      hookTimeout: 30_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          // Playwright passes --no-sandbox already (chromiumSandbox defaults to false); as root,
          // Chromium refuses to start with its sandbox.
          launchOptions: { executablePath, args: ['--no-sandbox'] },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  });
}
