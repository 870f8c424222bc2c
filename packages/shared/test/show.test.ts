import { describe, expect, it } from 'vitest';
import { show } from '../src/index.js';

describe('show', () => {
  it.each([
    ['a string, quoted', 'x', '"x"'],
    ['a long string, cut', 'y'.repeat(100), `"${'y'.repeat(40)}…"`],
    ['a bigint, with its n', 10n, '10n'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a named function', function run() {}, 'function run'],
    ['an anonymous function', (() => () => {})(), 'function (anonymous)'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 1.5, '1.5'],
    ['an array, by length', [1, 2, 3], 'an array of length 3'],
    ['an instance, by class', new Map(), 'an instance of Map'],
    ['a plain object', { a: 1 }, 'an object'],
    ['an object without a prototype', Object.create(null), 'an object'],
  ])('should show %s', (_what, value, shown) => {
    expect(show(value)).toBe(shown);
  });

  it('should not throw for a proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no');
        },
      },
    );
    expect(show(hostile)).toBe('an object');
  });
});
