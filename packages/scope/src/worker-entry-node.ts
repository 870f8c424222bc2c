// How this package starts its worker entry on worker_threads platforms; the browser build uses
// worker-entry-web.ts instead.

/** The thread entry of `@herd/scope`: dist/worker.js, beside this bundle. */
export const workerEntry = new URL('./worker.js', import.meta.url);
