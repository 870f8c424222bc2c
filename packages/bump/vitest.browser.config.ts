import { browserSuite } from '../../scripts/vitest-browser.js';

export default browserSuite({
  exclude: {
    'test/utf8-browser.test.ts':
      "emulates a browser's encoder in Node (Buffer, node:vm); the page runs the real one",
  },
});
