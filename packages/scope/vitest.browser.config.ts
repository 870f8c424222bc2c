import { browserSuite } from '../../scripts/vitest-browser.js';

export default browserSuite({
  exclude: {
    'test/exec-argv.test.ts': 'the flags of Node worker_threads and of child Node processes',
    'test/keep-alive.test.ts': 'what keeps a Node process alive (child processes)',
    'test/compiler-helpers.test.ts': "esbuild's and tsc's output, compiled in Node",
  },
});
