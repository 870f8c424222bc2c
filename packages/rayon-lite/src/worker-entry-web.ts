// How this package starts its worker entry in a browser. Written as the literal bundlers look for
// (`new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`), so Vite, webpack
// and Rollup find the entry and bundle it.

declare const Worker: new (url: URL, options: { type: 'module'; name?: string }) => unknown;

/** Starts the thread entry of `@herd/rayon-lite`: dist/browser/worker.js, beside this bundle. */
export const workerEntry = (): unknown =>
  new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: '@herd/rayon-lite' });
