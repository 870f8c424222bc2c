import { describe, expect, it } from 'vitest';
import { errorClass, herdClass } from '../src/index.js';

describe('herdClass', () => {
  it('should list an error class under its name for decodeError', () => {
    class SomeError extends Error {}
    herdClass(SomeError, 'SomeError');
    expect(errorClass('SomeError')).toBe(SomeError);
    expect(errorClass('NoSuchError')).toBeUndefined();
  });

  it('should make an instance of one copy of a class an instance of every copy', () => {
    // Two bundles of one package each define the class: same name, different constructors.
    const copies = [0, 1].map(() => {
      class Token {
        constructor(readonly value: number) {}
      }
      herdClass(Token, 'herd-class.test/Token');
      return Token;
    });
    const [first, second] = copies as [(typeof copies)[0], (typeof copies)[0]];
    expect(new first(1)).toBeInstanceOf(second);
    expect(new second(2)).toBeInstanceOf(first);
    expect({ value: 1 }).not.toBeInstanceOf(first);
    expect(null).not.toBeInstanceOf(first);
  });

  it('should keep the ordinary instanceof for a subclass', () => {
    class Base {}
    herdClass(Base, 'herd-class.test/Base');
    class Derived extends Base {}
    expect(new Derived()).toBeInstanceOf(Base);
    expect(new Derived()).toBeInstanceOf(Derived);
    expect(new Base()).not.toBeInstanceOf(Derived);
  });

  it('should reject a class or name of the wrong type naming it', () => {
    expect(() => herdClass(undefined as never, 'X')).toThrow(/ctor must be a class, got undefined/);
    expect(() => herdClass(null as never, 'X')).toThrow(/ctor must be a class, got null/);
    expect(() => herdClass(Error, '')).toThrow(/name must be a non-empty string, got ""/);
    expect(() => herdClass(Error, 5 as never)).toThrow(/name must be a non-empty string, got 5/);
  });
});
