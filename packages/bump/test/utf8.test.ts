import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bump, utf8Length } from '../src/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** What a string becomes through UTF-8, lone surrogates replaced by U+FFFD. */
const throughUtf8 = (s: string) => decoder.decode(encoder.encode(s));

const samples = [
  '',
  'a',
  'ascii only, 16 c',
  'exactly sixteen!',
  'seventeen chars!!',
  'héllo wörld',
  'ünïcödé',
  '日本語のテキスト',
  '🦀🚀 emoji',
  'a\u{10FFFF}b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDBFF\uDC00',
  'end\uD83D',
  '\u007f\u0080\u07ff\u0800\uffff',
  'x'.repeat(100_000),
  'é'.repeat(5000),
];
/** Each sample with a test title a reader can take in: long ones cut, their length given. */
const cases = samples.map((s) => [
  s.length > 40 ? `${JSON.stringify(s.slice(0, 12))}… (${s.length} chars)` : JSON.stringify(s),
  s,
]);

describe('utf8Length', () => {
  it.each(cases)('should match TextEncoder for %s', (_title, s) => {
    expect(utf8Length(s)).toBe(encoder.encode(s).length);
  });

  it.each([
    [5, /s must be a string, got 5/],
    [5n, /s must be a string, got 5n/],
    [undefined, /s must be a string, got undefined/],
    [null, /s must be a string, got null/],
  ])('should reject %s with a TypeError naming s', (value, message) => {
    expect(() => utf8Length(value as never)).toThrow(TypeError);
    expect(() => utf8Length(value as never)).toThrow(message);
  });
});

describe('allocStr and memory.str', () => {
  it.each(cases)('should round-trip %s as TextEncoder and TextDecoder do', (_title, s) => {
    const bump = new Bump({ chunkSize: 64 });
    const p = bump.allocStr(s);
    expect(bump.memory.str(p)).toBe(throughUtf8(s));
    expect(bump.memory.strByteLength(p)).toBe(encoder.encode(s).length);
    expect(bump.memory.bytes(p + 4, bump.memory.strByteLength(p))).toEqual(encoder.encode(s));
  });

  it('should round-trip every short non-ASCII length, where the ASCII fast path must step aside', () => {
    const bump = new Bump();
    for (let n = 0; n <= 20; n++) {
      for (let at = 0; at < n; at++) {
        const s = `${'a'.repeat(at)}é${'b'.repeat(n - at - 1)}`;
        expect(bump.memory.str(bump.allocStr(s))).toBe(s);
      }
    }
  });

  it('should round-trip any string, with and without room in the chunk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }),
        fc.nat(200),
        (strings, chunk) => {
          const bump = new Bump({ chunkSize: 16 + chunk });
          const ptrs = strings.map((s) => bump.allocStr(s));
          ptrs.forEach((p, i) => {
            expect(bump.memory.str(p)).toBe(throughUtf8(strings[i]!));
            expect(bump.memory.strByteLength(p)).toBe(utf8Length(strings[i]!));
          });
        },
      ),
    );
  });

  it('should read strings from shared memory too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const bytes = encoder.encode(s);
        const sab = new SharedArrayBuffer(8 + bytes.length);
        const bump = new Bump();
        const m = new (bump.memory.constructor as typeof import('../src/index.js').Memory)(sab);
        m.u32[1] = bytes.length;
        m.u8.set(bytes, 8);
        expect(m.str(4)).toBe(throughUtf8(s));
      }),
    );
  });
});
