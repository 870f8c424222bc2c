// Re-exported: a member throws it when the herd's memory is used up.
export { AllocError } from '@herd/bump';
export { HerdBusyError, MemberReleasedError } from './errors.js';
export { Herd, type HerdOptions, type SharedHerd } from './herd.js';
export { Member } from './member.js';
