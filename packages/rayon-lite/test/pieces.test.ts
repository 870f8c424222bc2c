import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitIntoPieces } from '../src/pieces.js';

describe('splitIntoPieces', () => {
  it('should make no piece of an empty source', () => {
    expect(splitIntoPieces(0, 2, { minLen: 1, maxLen: Number.POSITIVE_INFINITY }).pieces).toBe(0);
  });

  it('should cover every item exactly once within the bounds, the minimum winning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constant(Number.POSITIVE_INFINITY)),
        (length, threads, minLen, maxLen) => {
          const { pieceLength, pieces } = splitIntoPieces(length, threads, { minLen, maxLen });
          expect(pieces * pieceLength).toBeGreaterThanOrEqual(length);
          expect((pieces - 1) * pieceLength).toBeLessThan(length);
          if (minLen <= length) expect(pieceLength).toBeGreaterThanOrEqual(minLen);
          if (maxLen >= minLen) expect(pieceLength).toBeLessThanOrEqual(maxLen);
        },
      ),
    );
  });

  it('should give each thread several pieces by default', () => {
    expect(splitIntoPieces(1_000_000, 2, { minLen: 1, maxLen: Number.POSITIVE_INFINITY }).pieces).toBe(16);
  });
});
