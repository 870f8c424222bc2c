// The entry of every thread `@herd/scope` starts: it serves the jobs the runtime posts (scope
// tasks) until the thread is terminated.
import { serveThread } from './runtime/thread-server.js';

void serveThread();
