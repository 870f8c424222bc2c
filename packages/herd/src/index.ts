// Re-exported: a member throws AllocError when the herd's memory is used up; a debug herd's memory
// throws UseAfterResetError.
export { AllocError, UseAfterResetError } from '@herd/bump';
export { HerdBusyError, MemberReleasedError } from './errors.js';
export { Herd, type HerdOptions, type SharedHerd } from './herd.js';
export { Member } from './member.js';
