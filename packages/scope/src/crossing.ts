// The entry a thread imports to revive this package's crossables in a browser (see
// crossing-module-web.ts): what their crossings name as `revive`, and nothing else.
export { Barrier } from './barrier.js';
export { Condvar } from './condvar.js';
export { Mutex } from './mutex.js';
export { Receiver } from './receiver.js';
export { Sender } from './sender.js';
export { WaitGroup } from './wait-group.js';
