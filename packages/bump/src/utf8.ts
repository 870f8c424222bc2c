// UTF-8 in and out of arena memory. Two codecs, picked once per memory view:
// - Node (Buffer present): Buffer writes and reads at an offset of any buffer without making a
//   view per call.
// - Everywhere else, the encoding API, which browsers refuse on views of a SharedArrayBuffer (a
//   herd's memory) and of a resizable ArrayBuffer (a Bump's): short strings go through a plain
//   JavaScript codec that writes and reads the memory directly (faster than the API for them
//   anyway), longer ones through a reusable scratch buffer of the kind the API accepts, copied.

import { show } from '@herd/shared';

type NodeBuffer = Uint8Array & {
  write(s: string, offset: number, length: number, encoding: 'utf8'): number;
  utf8Slice(start: number, end: number): string;
};
type BufferCtor = { from(b: ArrayBufferLike, offset: number, length: number): NodeBuffer };

/**
 * @internal What the codecs build on: Node's `Buffer` where there is one, and the encoding API.
 * Tests replace it to run the browser path in Node (with encoders as strict as a browser's).
 */
export interface Utf8Platform {
  Buffer: BufferCtor | undefined;
  encoder: { encodeInto(s: string, into: Uint8Array): { read: number; written: number } };
  decoder: { decode(bytes: Uint8Array): string };
}

let platform: Utf8Platform = {
  Buffer: (globalThis as unknown as { Buffer?: BufferCtor }).Buffer,
  encoder: new TextEncoder(),
  decoder: new TextDecoder(),
};

/**
 * @internal Sets the platform that codecs made from now on use (a `Memory` makes its codec when
 * its views are made); returns the one it replaces.
 */
export function setUtf8Platform(next: Utf8Platform): Utf8Platform {
  const previous = platform;
  platform = next;
  return previous;
}

/** Reads and writes UTF-8 over one view of an arena's memory. Re-made when the view is. */
export interface Utf8Codec {
  /**
   * Writes `s` at `at` and returns the bytes written: exactly `utf8Length(s)`, lone surrogates as
   * U+FFFD as `TextEncoder` writes them, so `at` needs room for those bytes only.
   */
  write(s: string, at: number): number;
  /** Reads `length` bytes of UTF-8 at `at`, as `TextDecoder` would. */
  read(at: number, length: number): string;
}

/** The codec for a view of an arena's memory, on the current platform. */
export function createUtf8Codec(u8: Uint8Array): Utf8Codec {
  const { Buffer, encoder, decoder } = platform;
  return Buffer ? new NodeUtf8Codec(u8, Buffer) : new WebUtf8Codec(u8, encoder, decoder);
}

/** Strings up to this many UTF-16 units are written as ASCII in plain JavaScript first (Node). */
const SHORT = 24;
/** Strings up to this many bytes are read by `readShortAscii` when they are ASCII. */
const SHORT_READ = 16;
/**
 * Without Buffer, strings up to this many UTF-16 units are encoded, and up to this many bytes
 * decoded, in plain JavaScript: on Node 20 that beats `encodeInto` (10-65 ns against 60-80 ns)
 * and `decode` of a copy (20-75 ns against 105-120 ns) up to about this size, and it needs no copy.
 */
const JS_CODEC_MAX = 32;

class NodeUtf8Codec implements Utf8Codec {
  private readonly node: NodeBuffer;

  constructor(
    private readonly u8: Uint8Array,
    Buffer: BufferCtor,
  ) {
    this.node = Buffer.from(u8.buffer, 0, u8.length);
  }

  write(s: string, at: number): number {
    const n = s.length;
    if (n <= SHORT) {
      const u8 = this.u8;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[at + i] = c;
      }
      if (i === n) return n;
    }
    return this.node.write(s, at, Math.min(n * 3, this.u8.length - at), 'utf8');
  }

  read(at: number, length: number): string {
    if (length <= SHORT_READ) {
      const s = readShortAscii(this.u8, at, length);
      if (s !== null) return s;
    }
    return this.node.utf8Slice(at, at + length);
  }
}

class WebUtf8Codec implements Utf8Codec {
  /** Whether the encoding API takes views of this buffer: a plain, fixed-length ArrayBuffer. */
  private readonly direct: boolean;

  constructor(
    private readonly u8: Uint8Array,
    private readonly encoder: Utf8Platform['encoder'],
    private readonly decoder: Utf8Platform['decoder'],
  ) {
    const buffer = u8.buffer as ArrayBufferLike & { resizable?: boolean };
    const shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
    this.direct = !shared && buffer.resizable !== true;
  }

  write(s: string, at: number): number {
    const n = s.length;
    if (n <= JS_CODEC_MAX) return encodeUtf8(s, this.u8, at);
    if (this.direct) return this.encoder.encodeInto(s, this.u8.subarray(at, at + n * 3)).written;
    const into = scratch(n * 3);
    const { written } = this.encoder.encodeInto(s, into);
    this.u8.set(into.subarray(0, written), at);
    return written;
  }

  read(at: number, length: number): string {
    if (length <= SHORT_READ) {
      const s = readShortAscii(this.u8, at, length);
      if (s !== null) return s;
    }
    if (length <= JS_CODEC_MAX) {
      const s = decodeUtf8(this.u8, at, length);
      if (s !== null) return s;
    }
    const bytes = this.u8.subarray(at, at + length);
    if (this.direct) return this.decoder.decode(bytes);
    const copy = scratch(length);
    copy.set(bytes);
    return this.decoder.decode(copy.subarray(0, length));
  }
}

/** Scratch bytes kept between calls; past this size a copy is made for the call and dropped. */
const SCRATCH_KEEP = 1 << 20;
let scratchBytes = new Uint8Array(1024);

/** A plain (neither shared nor resizable) byte array of at least `bytes` bytes. */
function scratch(bytes: number): Uint8Array {
  if (bytes <= scratchBytes.length) return scratchBytes;
  if (bytes > SCRATCH_KEEP) return new Uint8Array(bytes);
  scratchBytes = new Uint8Array(Math.min(SCRATCH_KEEP, Math.max(bytes, scratchBytes.length * 2)));
  return scratchBytes;
}

/** Encodes `s` at `at` as `TextEncoder` does (lone surrogates as U+FFFD); returns the bytes written. */
function encodeUtf8(s: string, u8: Uint8Array, at: number): number {
  const n = s.length;
  let j = at;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      u8[j++] = c;
      continue;
    }
    if (c < 0x800) {
      u8[j++] = 0xc0 | (c >> 6);
      u8[j++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        u8[j++] = 0xf0 | (cp >> 18);
        u8[j++] = 0x80 | ((cp >> 12) & 0x3f);
        u8[j++] = 0x80 | ((cp >> 6) & 0x3f);
        u8[j++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    u8[j++] = 0xe0 | (c >> 12);
    u8[j++] = 0x80 | ((c >> 6) & 0x3f);
    u8[j++] = 0x80 | (c & 0x3f);
  }
  return j - at;
}

/**
 * Decodes `length` bytes at `at` when they are well-formed UTF-8, else returns `null` so that the
 * caller asks `TextDecoder`, whose replacement of ill-formed input (U+FFFD per maximal subpart)
 * this does not repeat.
 */
function decodeUtf8(u8: Uint8Array, at: number, length: number): string | null {
  const end = at + length;
  let out = '';
  let i = at;
  while (i < end) {
    const a = u8[i]!;
    if (a < 0x80) {
      out += fromCodes(a);
      i++;
    } else if (a >= 0xc2 && a <= 0xdf && i + 1 < end) {
      const b = u8[i + 1]!;
      if ((b & 0xc0) !== 0x80) return null;
      out += fromCodes(((a & 0x1f) << 6) | (b & 0x3f));
      i += 2;
    } else if (a >= 0xe0 && a <= 0xef && i + 2 < end) {
      const b = u8[i + 1]!;
      const c = u8[i + 2]!;
      if ((b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80) return null;
      const cp = ((a & 0x0f) << 12) | ((b & 0x3f) << 6) | (c & 0x3f);
      // Overlong forms and UTF-16 surrogates are ill-formed.
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      out += fromCodes(cp);
      i += 3;
    } else if (a >= 0xf0 && a <= 0xf4 && i + 3 < end) {
      const b = u8[i + 1]!;
      const c = u8[i + 2]!;
      const d = u8[i + 3]!;
      if ((b & 0xc0) !== 0x80 || (c & 0xc0) !== 0x80 || (d & 0xc0) !== 0x80) return null;
      const cp = ((a & 0x07) << 18) | ((b & 0x3f) << 12) | ((c & 0x3f) << 6) | (d & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return null;
      out += fromCodes(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      i += 4;
    } else {
      return null;
    }
  }
  return out;
}

/**
 * The exact UTF-8 length of `s`, with lone surrogates counted as U+FFFD (3 bytes), as
 * `TextEncoder` writes them: what `allocStr(s)` stores after its 4-byte length.
 *
 * @example
 * ```ts
 * utf8Length('héllo'); // 6
 * ```
 */
export function utf8Length(s: string): number {
  if (typeof s !== 'string') throw new TypeError(`s must be a string, got ${show(s)}`);
  let bytes = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const fromCodes = String.fromCharCode;

/**
 * Decodes up to 16 ASCII bytes, or returns `null` when a byte is not ASCII. One call of
 * `String.fromCharCode` with the bytes as arguments makes a short string two to three times faster
 * than a loop of concatenations or Node's `utf8Slice` (measured on Node 20: ~33 ns against ~80 ns
 * and ~70 ns for 10 bytes), because it builds the string once with no native call.
 */
function readShortAscii(u: Uint8Array, at: number, length: number): string | null {
  switch (length) {
    case 0:
      return '';
    case 1: {
      const a = u[at]!;
      return a < 0x80 ? fromCodes(a) : null;
    }
    case 2: {
      const a = u[at]!,
        b = u[at + 1]!;
      return (a | b) < 0x80 ? fromCodes(a, b) : null;
    }
    case 3: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!;
      return (a | b | c) < 0x80 ? fromCodes(a, b, c) : null;
    }
    case 4: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!;
      return (a | b | c | d) < 0x80 ? fromCodes(a, b, c, d) : null;
    }
    case 5: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!;
      return (a | b | c | d | e) < 0x80 ? fromCodes(a, b, c, d, e) : null;
    }
    case 6: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      return (a | b | c | d | e | f) < 0x80 ? fromCodes(a, b, c, d, e, f) : null;
    }
    case 7: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!;
      return (a | b | c | d | e | f | g) < 0x80 ? fromCodes(a, b, c, d, e, f, g) : null;
    }
    case 8: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!;
      return (a | b | c | d | e | f | g | h) < 0x80 ? fromCodes(a, b, c, d, e, f, g, h) : null;
    }
    case 9: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!;
      return (a | b | c | d | e | f | g | h | i) < 0x80 ? fromCodes(a, b, c, d, e, f, g, h, i) : null;
    }
    case 10: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!;
      return (a | b | c | d | e | f | g | h | i | j) < 0x80 ? fromCodes(a, b, c, d, e, f, g, h, i, j) : null;
    }
    case 11: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!;
      return (a | b | c | d | e | f | g | h | i | j | k) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k)
        : null;
    }
    case 12: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!,
        l = u[at + 11]!;
      return (a | b | c | d | e | f | g | h | i | j | k | l) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k, l)
        : null;
    }
    case 13: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!,
        l = u[at + 11]!;
      const m = u[at + 12]!;
      return (a | b | c | d | e | f | g | h | i | j | k | l | m) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k, l, m)
        : null;
    }
    case 14: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!,
        l = u[at + 11]!;
      const m = u[at + 12]!,
        n = u[at + 13]!;
      return (a | b | c | d | e | f | g | h | i | j | k | l | m | n) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k, l, m, n)
        : null;
    }
    case 15: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!,
        l = u[at + 11]!;
      const m = u[at + 12]!,
        n = u[at + 13]!,
        o = u[at + 14]!;
      return (a | b | c | d | e | f | g | h | i | j | k | l | m | n | o) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o)
        : null;
    }
    case 16: {
      const a = u[at]!,
        b = u[at + 1]!,
        c = u[at + 2]!,
        d = u[at + 3]!,
        e = u[at + 4]!,
        f = u[at + 5]!;
      const g = u[at + 6]!,
        h = u[at + 7]!,
        i = u[at + 8]!,
        j = u[at + 9]!,
        k = u[at + 10]!,
        l = u[at + 11]!;
      const m = u[at + 12]!,
        n = u[at + 13]!,
        o = u[at + 14]!,
        p = u[at + 15]!;
      return (a | b | c | d | e | f | g | h | i | j | k | l | m | n | o | p) < 0x80
        ? fromCodes(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)
        : null;
    }
  }
  return null;
}
