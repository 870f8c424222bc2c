import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bump, Memory, utf8Length } from '../src/index.js';
import { setUtf8Platform, type Utf8Platform } from '../src/utf8.js';
import { FixedArena } from './support/fixed-arena.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const throughUtf8 = (s: string) => decoder.decode(encoder.encode(s));

/** Chromium's rule for the encoding API: no view of a shared or a resizable buffer. */
function refuseSharedOrResizable(view: Uint8Array, method: string): void {
  const buffer = view.buffer as ArrayBufferLike & { resizable?: boolean; growable?: boolean };
  if (buffer instanceof SharedArrayBuffer) {
    throw new TypeError(
      `Failed to execute '${method}': The provided ArrayBufferView value must not be shared.`,
    );
  }
  if (buffer.resizable === true) {
    throw new TypeError(
      `Failed to execute '${method}': The provided ArrayBufferView value must not be resizable.`,
    );
  }
}

/** What a browser has: no Buffer, and an encoder and decoder as strict as Chromium's. */
const browser: Utf8Platform = {
  Buffer: undefined,
  encoder: {
    encodeInto(s, into) {
      refuseSharedOrResizable(into, 'encodeInto');
      return encoder.encodeInto(s, into);
    },
  },
  decoder: {
    decode(bytes) {
      refuseSharedOrResizable(bytes, 'decode');
      return decoder.decode(bytes);
    },
  },
};

/** Every kind of string a codec must get right, on each side of its size thresholds. */
const kinds: [string, string][] = [
  ['empty', ''],
  ['short ASCII', 'hello'],
  ['16 ASCII bytes', 'exactly sixteen!'],
  ['long ASCII', 'a'.repeat(1000)],
  ['2-byte', 'héllo wörld'],
  ['long 2-byte', 'é'.repeat(5000)],
  ['3-byte', '日本語のテキスト'],
  ['4-byte', '🦀🚀 emoji'],
  ['long 4-byte', '🦀'.repeat(3000)],
  ['the highest code point', 'a\u{10FFFF}b'],
  ['a lone high surrogate', '\uD800'],
  ['a lone low surrogate', 'x\uDC00y'],
  ['a high surrogate before a pair', '\uDBFF\uDBFF\uDC00'],
  ['a high surrogate at the end', `${'end'.repeat(20)}\uD83D`],
  ['the edges of each length', '\u007f\u0080\u07ff\u0800\uffff'],
  ['32 units of mixed text', 'héllo wörld, 日本語のテキスト 🦀!!'.slice(0, 32)],
  ['33 units of mixed text', 'héllo wörld, 日本語のテキスト 🦀!!x'.slice(0, 33)],
  ['over a megabyte', '日本'.repeat(200_000)],
];

/** An arena over each kind of memory a browser must cope with. */
const arenas: [string, () => { alloc: Bump | FixedArena; memory: Memory }][] = [
  [
    'a Bump (resizable ArrayBuffer)',
    () => {
      const b = new Bump({ chunkSize: 64 });
      return { alloc: b, memory: b.memory };
    },
  ],
  [
    'a shared arena (SharedArrayBuffer)',
    () => {
      const a = new FixedArena(1 << 22, 1024);
      return { alloc: a, memory: a.memory };
    },
  ],
];

describe('UTF-8 without Buffer (the browser path)', () => {
  let previous: Utf8Platform;
  beforeEach(() => {
    previous = setUtf8Platform(browser);
  });
  afterEach(() => {
    setUtf8Platform(previous);
  });

  it('should emulate a browser that refuses shared and resizable views', () => {
    const resizable = new Uint8Array(new ArrayBuffer(16, { maxByteLength: 64 }), 0, 16);
    const shared = new Uint8Array(new SharedArrayBuffer(16));
    expect(() => browser.encoder.encodeInto('é', resizable)).toThrow(/must not be resizable/);
    expect(() => browser.decoder.decode(shared)).toThrow(/must not be shared/);
    expect(browser.decoder.decode(new Uint8Array([0x68, 0x69]))).toBe('hi');
  });

  describe.each(arenas)('on %s', (_, make) => {
    it.each(kinds)('should round-trip %s as TextEncoder and TextDecoder do', (_, s) => {
      const { alloc, memory } = make();
      const p = alloc.allocStr(s);
      expect(memory.str(p)).toBe(throughUtf8(s));
      expect(memory.strByteLength(p)).toBe(utf8Length(s));
      const bytes = memory.bytes(p + 4, memory.strByteLength(p));
      // Buffer's compare, not toEqual: a deep equality of megabyte arrays takes seconds.
      expect(Buffer.compare(Buffer.from(bytes), encoder.encode(s))).toBe(0);
    });

    it('should round-trip any string, kept alive across growth', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 40 }), (strings) => {
          const { alloc, memory } = make();
          const ptrs = strings.map((s) => alloc.allocStr(s));
          ptrs.forEach((p, i) => {
            expect(memory.str(p)).toBe(throughUtf8(strings[i]!));
          });
        }),
      );
    });

    it('should read ill-formed bytes as TextDecoder does', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
          const { alloc, memory } = make();
          const p = alloc.alloc(4 + bytes.length, 4);
          memory.u32[p >>> 2] = bytes.length;
          memory.u8.set(bytes, p + 4);
          expect(memory.str(p)).toBe(decoder.decode(bytes));
        }),
      );
    });
  });

  it('should use the encoding API straight on a plain ArrayBuffer, which browsers accept', () => {
    const memory = new Memory(new ArrayBuffer(1 << 16));
    const s = 'héllo wörld, 日本語のテキスト 🦀'.repeat(4);
    const written = memory.writeUtf8(s, 8);
    memory.u32[1] = written;
    expect(memory.str(4)).toBe(s);
  });
});

describe('the built package', () => {
  it('should work with no Buffer, process or require, as in a browser', () => {
    const dist = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
    const module = { exports: {} as Record<string, unknown> };
    // A fresh realm holding only what a browser page has that the package could use.
    const sandbox = {
      module,
      exports: module.exports,
      TextEncoder: class {
        encodeInto(s: string, into: Uint8Array) {
          return browser.encoder.encodeInto(s, into);
        }
      },
      TextDecoder: class {
        decode(bytes: Uint8Array) {
          return browser.decoder.decode(bytes);
        }
      },
    };
    const result = runInNewContext(
      `${readFileSync(dist, 'utf8')}
      ;(() => {
      const { Bump, struct } = module.exports;
      const bump = new Bump({ chunkSize: 64 });
      const Point = struct({ x: 'f64', name: 'str' });
      const out = [];
      for (const s of ['plain', 'héllo wörld', '日本語'.repeat(40), '🦀'.repeat(20)]) {
        const p = Point.alloc(bump);
        Point.set.x(bump.memory, p, s.length);
        Point.set.name(bump.memory, p, bump.allocStr(s));
        out.push(Point.get.name(bump.memory, p));
      }
      return [typeof Buffer, typeof process, typeof require, out];
      })();`,
      sandbox,
    ) as [string, string, string, string[]];
    expect(result.slice(0, 3)).toEqual(['undefined', 'undefined', 'undefined']);
    expect(result[3]).toEqual(['plain', 'héllo wörld', '日本語'.repeat(40), '🦀'.repeat(20)]);
  });
});
