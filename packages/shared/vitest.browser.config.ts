import { browserSuite } from '../../scripts/vitest-browser.js';

export default browserSuite();
