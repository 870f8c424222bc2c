// A parsed log line in the herd: 24 bytes, no JS object.
//
//   0  f64  time (ms since the epoch)
//   8  u32  path: Ptr to a string (u32 length + UTF-8)
//   12 u32  bytes sent
//   16 u16  status
//   18 u16  latency (ms)
//   20 u8   method (index into METHOD_NAMES)
export const RECORD_SIZE = 24;
export const TIME = 0;
export const PATH = 8;
export const BYTES = 12;
export const STATUS = 16;
export const LATENCY = 18;
export const METHOD = 20;
