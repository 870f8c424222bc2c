import { struct } from '../../src/index.js';

/** A record layout with a field of every kind, for the tests that go through all of them. */
export const EveryKind = struct({
  u8: 'u8',
  i8: 'i8',
  u16: 'u16',
  i16: 'i16',
  u32: 'u32',
  i32: 'i32',
  f32: 'f32',
  f64: 'f64',
  u64: 'u64',
  i64: 'i64',
  flag: 'bool',
  next: 'ptr',
  name: 'str',
});
