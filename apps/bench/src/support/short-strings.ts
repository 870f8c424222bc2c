/**
 * Short strings in and out of raw memory, written the way a careful user of a hand-made layout
 * would: ASCII by hand (no native call, no view per string), anything else through Node's
 * Buffer. The hand-written baselines use these, so that they decode as fast as `memory.str` and
 * a comparison with the herd measures layouts, not string codecs.
 */

type NodeBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number, length: number): number;
};

/** A Buffer over the same memory as `u8`, for the non-ASCII paths. */
export function nodeBufferOver(u8: Uint8Array): NodeBuffer {
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength) as NodeBuffer;
}

/** Writes `s` at `at` as UTF-8 and returns the bytes written; throws when more than `room` would be needed. */
export function writeShortString(
  u8: Uint8Array,
  node: NodeBuffer,
  s: string,
  at: number,
  room: number,
): number {
  const n = s.length;
  if (n <= room) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      u8[at + i] = c;
    }
    if (i === n) return n;
  }
  if (Buffer.byteLength(s) > room)
    throw new RangeError(`'${s}' needs more than the ${room} bytes its slot has`);
  return node.utf8Write(s, at, room);
}

const fromCodes = String.fromCharCode;

/** Reads `length` bytes of UTF-8 at `at`: one `String.fromCharCode` call for up to 9 ASCII bytes. */
export function readShortString(u8: Uint8Array, node: NodeBuffer, at: number, length: number): string {
  const u = u8;
  if (length <= 9) {
    let any = 0;
    for (let k = 0; k < length; k++) any |= u[at + k]!;
    if (any < 0x80) {
      switch (length) {
        case 0:
          return '';
        case 1:
          return fromCodes(u[at]!);
        case 2:
          return fromCodes(u[at]!, u[at + 1]!);
        case 3:
          return fromCodes(u[at]!, u[at + 1]!, u[at + 2]!);
        case 4:
          return fromCodes(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!);
        case 5:
          return fromCodes(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!);
        case 6:
          return fromCodes(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!);
        case 7:
          return fromCodes(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!);
        case 8:
          return fromCodes(
            u[at]!,
            u[at + 1]!,
            u[at + 2]!,
            u[at + 3]!,
            u[at + 4]!,
            u[at + 5]!,
            u[at + 6]!,
            u[at + 7]!,
          );
        default:
          return fromCodes(
            u[at]!,
            u[at + 1]!,
            u[at + 2]!,
            u[at + 3]!,
            u[at + 4]!,
            u[at + 5]!,
            u[at + 6]!,
            u[at + 7]!,
            u[at + 8]!,
          );
      }
    }
  }
  return node.utf8Slice(at, at + length);
}
