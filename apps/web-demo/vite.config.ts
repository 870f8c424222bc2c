// The demo page, served cross-origin isolated: without these two headers a page has no
// SharedArrayBuffer (and no Herd). `pnpm web-demo` at the repository root runs the dev server;
// `vite build && vite preview` serves the production build with the same headers.
import { defineConfig } from 'vite';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: crossOriginIsolation },
  preview: {
    headers: {
      ...crossOriginIsolation,
      // The strictest policy the packages allow today. Module tasks need no eval (functions
      // shipped as source do), but @herd/rayon-lite compiles each pipeline with new Function,
      // so a page that runs par() must allow 'unsafe-eval'. The dev server's client needs more.
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self' 'unsafe-eval'; worker-src 'self'; style-src 'self'",
    },
  },
  build: { target: 'es2022' },
  worker: { format: 'es' },
  // The workspace's packages are linked, which Vite never pre-bundles; an app that installs them
  // from npm excludes them too, so each keeps its own files (see the root README, "Browsers").
  optimizeDeps: { exclude: ['@herd/bump', '@herd/herd', '@herd/scope', '@herd/rayon-lite'] },
});
