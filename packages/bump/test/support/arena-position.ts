import type { Arena } from '../../src/index.js';

/**
 * An arena's bump position and the end of its current chunk: protected (for its subclasses), read
 * here by the tests that pin them down.
 */
export function positionOf(arena: Arena): { pos: number; end: number } {
  const { pos, end } = arena as unknown as { pos: number; end: number };
  return { pos, end };
}
