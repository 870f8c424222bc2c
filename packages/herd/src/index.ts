export { HerdBusyError, MemberReleasedError } from './errors.js';
export { Herd, type HerdOptions, type SharedHerd } from './herd.js';
export { Member } from './member.js';
