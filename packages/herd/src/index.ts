/**
 * A herd of bump arenas over one SharedArrayBuffer: each thread leases a member and allocates without locks (after Rust's bumpalo-herd).
 *
 * @packageDocumentation
 * @module @herd/herd
 */
// Re-exported: a member throws AllocError when the herd's memory is used up; a debug herd's memory
// throws UseAfterResetError.
export { AllocError, UseAfterResetError } from '@herd/bump';
export { HerdBusyError, MemberReleasedError } from './errors.js';
export { Herd, type HerdOptions, type SharedHerd } from './herd.js';
export { Member } from './member.js';
