import { browserSuite } from '../../scripts/vitest-browser.js';

export default browserSuite({
  exclude: {
    'test/exits-alone.test.ts': 'that a Node process exits by itself (child processes)',
    'test/no-import-cycles.test.ts': "the package's sources, read from disk and parsed with TypeScript",
  },
});
