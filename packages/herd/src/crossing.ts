// The entry a thread imports to revive a herd in a browser (see crossing-module-web.ts): what a
// herd's crossing names as `revive`, and nothing else.
export { Herd } from './herd.js';
