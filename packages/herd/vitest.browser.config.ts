import { browserSuite } from '../../scripts/vitest-browser.js';

export default browserSuite({
  exclude: {
    'test/threads.test.ts':
      'node:worker_threads workers started by hand (test/browser/ has the Web Worker cases)',
    'test/recipes.test.ts': 'the recipes for node:worker_threads and piscina, which needs Node to load',
  },
});
