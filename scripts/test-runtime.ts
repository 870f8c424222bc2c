// Which runtime runs a test file, for the markers on tests that only make sense on some of them.
// The suites run on Node (20, 22, 24), Bun, Deno and in Chromium (scripts/test-runtimes.mjs): a
// test that needs what only Node has says so with `it.runIf(onNode)`, and is skipped (and counted
// as skipped) elsewhere.

/** The runtime this file runs on. */
export const runtime: 'node' | 'bun' | 'deno' | 'browser' =
  'Bun' in globalThis
    ? 'bun'
    : 'Deno' in globalThis
      ? 'deno'
      : typeof (globalThis as { window?: unknown }).window !== 'undefined'
        ? 'browser'
        : 'node';

/**
 * Node itself: child processes started with Node's command line (`--input-type`, V8 flags such as
 * `--expose-gc`), `gc`, `node:v8`.
 */
export const onNode = runtime === 'node';

/**
 * A runtime with Node's APIs (Node, Bun, Deno): `node:worker_threads` workers, which have exit
 * codes and `process.exit`; `process`, `Buffer`, `require`; child processes.
 */
export const withNodeApis = runtime !== 'browser';

/**
 * A runtime that makes SharedArrayBuffers over 4 GiB: V8 (Node, Deno, Chromium) does;
 * JavaScriptCore (Bun) stops at 4 GiB ("RangeError: Out of memory").
 */
export const sharedBuffersOver4GiB = runtime !== 'bun';
