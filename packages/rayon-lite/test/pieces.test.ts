import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobMemory, startCall } from '../src/job-memory.js';
import { pieceStart, splitIntoPieces } from '../src/pieces.js';
import { PieceClaims } from '../src/worker/piece-claims.js';

const unbounded = { minLen: 1, maxLen: Number.POSITIVE_INFINITY };

/** The lengths of the pieces of a split. */
function lengths(length: number, pieces: number): number[] {
  return Array.from(
    { length: pieces },
    (_, p) => pieceStart(p + 1, length, pieces) - pieceStart(p, length, pieces),
  );
}

describe('splitIntoPieces', () => {
  it('should make no piece of an empty source', () => {
    expect(splitIntoPieces(0, 2, unbounded)).toEqual({ pieces: 0, regions: 0 });
  });

  it('should cover every item once, with no piece shorter than the minimum unless the source is, the minimum winning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(Number.POSITIVE_INFINITY)),
        (length, threads, minLen, maxLen) => {
          const { pieces, regions } = splitIntoPieces(length, threads, { minLen, maxLen });
          expect(pieceStart(0, length, pieces)).toBe(0);
          expect(pieceStart(pieces, length, pieces)).toBe(length);
          const sizes = lengths(length, pieces);
          expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          if (minLen <= length) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(minLen);
          // The maximum holds wherever both bounds can: else the minimum wins.
          const max = Math.max(maxLen, 1);
          if (Math.ceil(length / max) <= Math.floor(length / Math.max(minLen, 1))) {
            expect(Math.max(...sizes)).toBeLessThanOrEqual(max);
          }
          expect(regions).toBe(Math.min(threads, pieces));
        },
      ),
    );
  });

  it('should never leave a short tail piece: withMinLen(10) over 32768 items', () => {
    const { pieces } = splitIntoPieces(32_768, 2, { minLen: 10, maxLen: Number.POSITIVE_INFINITY });
    expect(Math.min(...lengths(32_768, pieces))).toBeGreaterThanOrEqual(10);
    const few = splitIntoPieces(25, 2, { minLen: 10, maxLen: Number.POSITIVE_INFINITY });
    expect(lengths(25, few.pieces)).toEqual([13, 12]);
  });

  it('should treat withMinLen(0) as no minimum and withMaxLen(0) as 1, as rayon does', () => {
    expect(splitIntoPieces(100, 2, { minLen: 0, maxLen: Number.POSITIVE_INFINITY })).toEqual(
      splitIntoPieces(100, 2, unbounded),
    );
    expect(splitIntoPieces(100, 2, { minLen: 1, maxLen: 0 }).pieces).toBe(100);
  });

  it('should give each thread several pieces by default, in a region of its own', () => {
    expect(splitIntoPieces(1_000_000, 2, unbounded)).toEqual({ pieces: 16, regions: 2 });
  });
});

describe('PieceClaims', () => {
  it('should start each worker at the front of a region of its own, then let it take what is left elsewhere', () => {
    const memory = jobMemory(16, 2);
    startCall(memory, 16, 2);
    const first = new PieceClaims(memory, 16, 2);
    const second = new PieceClaims(memory, 16, 2);
    expect(first.next()).toBe(0);
    expect(second.next()).toBe(8);
    // The first worker runs its region out, then helps with the second's.
    const taken = [0, 8];
    for (let k = 0; k < 7; k++) taken.push(first.next());
    expect(taken.slice(2)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    taken.push(first.next());
    expect(taken[taken.length - 1]).toBe(9);
    for (let p = second.next(); p >= 0; p = second.next()) taken.push(p);
    expect(first.next()).toBe(-1);
    expect(first.anyLeft()).toBe(false);
    expect(taken.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, p) => p));
  });

  it('should hand out every piece exactly once however claims from several workers interleave', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 2000 }),
        (pieces, workers, schedule) => {
          const regions = Math.min(workers, pieces);
          const memory = jobMemory(pieces, regions);
          startCall(memory, pieces, regions);
          const claims = Array.from({ length: workers }, () => new PieceClaims(memory, pieces, regions));
          const seen: number[] = [];
          let k = 0;
          while (claims.some((c) => c.anyLeft())) {
            const p = claims[schedule[k++ % schedule.length]! % workers]!.next();
            if (p >= 0) seen.push(p);
          }
          expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: pieces }, (_, p) => p));
        },
      ),
    );
  });
});
