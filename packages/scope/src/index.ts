export { AbortError, ChannelClosedError, ThreadError, TimeoutError } from './errors.js';
