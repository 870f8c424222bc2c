import { describe, expect, it } from 'vitest';
import { AllocError, registerErrorClass } from '../src/index.js';

describe('registerErrorClass', () => {
  it('should list a class under its name in the shared registry', () => {
    class SomeError extends Error {}
    registerErrorClass('SomeError', SomeError);
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('@herd/error-classes')
    ];
    expect(registry?.get('SomeError')).toBe(SomeError);
    expect(registry?.get('AllocError')).toBe(AllocError);
  });

  it('should reject a name or class of the wrong type naming it', () => {
    expect(() => registerErrorClass('', Error)).toThrow(/name must be a non-empty string, got ""/);
    expect(() => registerErrorClass(5 as never, Error)).toThrow(/name must be a non-empty string, got 5/);
    expect(() => registerErrorClass('X', undefined as never)).toThrow(
      /ctor must be an error class, got undefined/,
    );
  });
});
