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

/**
 * Reads `length` bytes of UTF-8 at `at`. Up to 9 bytes of ASCII, each byte is loaded once and the
 * string made by one `String.fromCharCode` call; anything else goes through Buffer.
 */
export function readShortString(u8: Uint8Array, node: NodeBuffer, at: number, length: number): string {
  const u = u8;
  switch (length) {
    case 0:
      return '';
    case 1: {
      const a = u[at]!;
      if (a < 0x80) return fromCodes(a);
      break;
    }
    case 2: {
      const a = u[at]!,
        b = u[at + 1]!;
      if ((a | b) < 0x80) return fromCodes(a, b);
      break;
    }
    case 3: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!;
      if ((a | b | c) < 0x80) return fromCodes(a, b, c);
      break;
    }
    case 4: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!;
      if ((a | b | c | d) < 0x80) return fromCodes(a, b, c, d);
      break;
    }
    case 5: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!;
      if ((a | b | c | d | e) < 0x80) return fromCodes(a, b, c, d, e);
      break;
    }
    case 6: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      if ((a | b | c | d | e | f) < 0x80) return fromCodes(a, b, c, d, e, f);
      break;
    }
    case 7: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!,
        g = u[at + 6]!;
      if ((a | b | c | d | e | f | g) < 0x80) return fromCodes(a, b, c, d, e, f, g);
      break;
    }
    case 8: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!,
        g = u[at + 6]!,
        h = u[at + 7]!;
      if ((a | b | c | d | e | f | g | h) < 0x80) return fromCodes(a, b, c, d, e, f, g, h);
      break;
    }
    case 9: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!,
        g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!;
      if ((a | b | c | d | e | f | g | h | i) < 0x80) return fromCodes(a, b, c, d, e, f, g, h, i);
      break;
    }
  }
  return node.utf8Slice(at, at + length);
}
