// The herd side of the demo, as module tasks for @herd/rayon-lite: it imports helpers, which a
// function shipped as source could not.
import type { Herd, Member } from '@herd/herd';
import { BYTES, LATENCY, METHOD, PATH, RECORD_SIZE, STATUS, TIME } from './log-record.js';
import { type LineFields, parseLine } from './parse-line.js';

export interface ParseContext {
  herd: Herd;
  text: Uint8Array;
  bounds: Uint32Array;
}

/** mapInit's init: one member per piece of work. */
export function lease({ herd }: ParseContext): Member {
  return herd.get();
}

const fields: LineFields = { time: 0, method: 0, pathStart: 0, pathEnd: 0, status: 0, bytes: 0, latency: 0 };
let scratch = new Uint32Array(1 << 14);

/**
 * Parses piece `piece` of the log into records in the herd; returns the Ptr of a list
 * `[count, record Ptr, ...]` that the main thread walks.
 */
export function parsePiece(bump: Member, piece: number, { text, bounds }: ParseContext): number {
  const m = bump.memory;
  const end = bounds[piece + 1]!;
  let count = 0;
  for (let at = bounds[piece]!; at < end; ) {
    at = parseLine(text, at, fields);
    const pathLength = fields.pathEnd - fields.pathStart;
    const path = bump.alloc(4 + pathLength, 4);
    m.u32[path >>> 2] = pathLength;
    for (let i = 0; i < pathLength; i++) m.u8[path + 4 + i] = text[fields.pathStart + i]!;
    const p = bump.alloc(RECORD_SIZE);
    m.f64[(p + TIME) >>> 3] = fields.time;
    m.u32[(p + PATH) >>> 2] = path;
    m.u32[(p + BYTES) >>> 2] = fields.bytes;
    m.u16[(p + STATUS) >>> 1] = fields.status;
    m.u16[(p + LATENCY) >>> 1] = fields.latency;
    m.u8[p + METHOD] = fields.method;
    if (count === scratch.length) {
      const grown = new Uint32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[count++] = p;
  }
  const list = bump.alloc(4 + count * 4, 4);
  m.u32[list >>> 2] = count;
  m.u32.set(scratch.subarray(0, count), (list >>> 2) + 1);
  return list;
}
