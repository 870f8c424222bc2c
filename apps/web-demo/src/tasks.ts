// The code that runs in the page's Web Workers, as module tasks: each thread imports this module
// by URL. Module tasks need no `eval` in the thread, so the page runs under a Content-Security-
// Policy without 'unsafe-eval' (vite.config.ts sets one for `vite preview`).
//
// The page loads this module with `import()`, never statically: a bundler keeps a dynamically
// imported module in a chunk of its own, with its exports, so `import.meta.url` below names a
// module a thread can import (a statically imported one would be merged into the page's chunk).
import type { Herd, Member } from '@herd/herd';
import type { Sender } from '@herd/scope';
import { currentThreadId } from '@herd/scope/runtime';
import { escapeRow, shadeRow, type View } from './fractal.js';

/** A module task of this module, for `spawn`, `par(…).map` and the like. */
export function task(name: keyof typeof import('./tasks.js')): { module: string; name: string } {
  return { module: import.meta.url, name };
}

/** Bytes before a rendered row's counts: the thread that made it, and the row. */
export const ROW_HEADER = 8;

/**
 * Renders bands of `band` rows, claiming the next band from the shared counter `claims[0]` until
 * none is left; each row goes into a record of the herd (thread id, row, then the row's escape
 * counts as u16), and each record's Ptr is sent to the page as soon as it is done.
 */
export function renderRows(herd: Herd, tx: Sender, view: View, claims: Int32Array, band: number): number {
  const member = herd.get();
  const thread = currentThreadId();
  let rows = 0;
  for (
    let start = Atomics.add(claims, 0, 1) * band;
    start < view.height;
    start = Atomics.add(claims, 0, 1) * band
  ) {
    for (let row = start; row < Math.min(view.height, start + band); row++) {
      const p = member.alloc(ROW_HEADER + view.width * 2, 8);
      const memory = member.memory;
      memory.u32[p >>> 2] = thread;
      memory.u32[(p >>> 2) + 1] = row;
      escapeRow(view, row, memory.u16, (p + ROW_HEADER) >>> 1);
      tx.send(p);
      rows++;
    }
  }
  member.release();
  tx.close();
  return rows;
}

/** What the shading pass reads: the picture, and where each row's record is. */
export interface ShadeContext {
  herd: Herd;
  view: View;
  /** The Ptr of each row's record (`renderRows`), by row. */
  rows: Uint32Array;
}

/** mapInit's init: one herd member per piece of rows. */
export function lease({ herd }: ShadeContext): Member {
  return herd.get();
}

/** Shades one row from its counts and its neighbours'; returns the Ptr of its RGBA bytes. */
export function shade(member: Member, row: number, { herd, view, rows }: ShadeContext): number {
  const counts = (r: number) => {
    const p = rows[Math.min(view.height - 1, Math.max(0, r))]!;
    return new Uint16Array(herd.memory.buffer, p + ROW_HEADER, view.width);
  };
  const p = member.alloc(view.width * 4, 8);
  shadeRow(view, counts(row - 1), counts(row), counts(row + 1), member.memory.u8, p);
  return p;
}
