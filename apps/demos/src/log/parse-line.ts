// One parser for both ways of doing the demo: it reads a line's bytes in place and calls back
// with the fields, so the herd and the plain-objects version differ only in where results go.

export const METHOD_NAMES = ['GET', 'POST', 'PUT', 'DELETE', 'OTHER'] as const;

/** The fields of one line; `pathStart`/`pathEnd` index the text, so no string is made here. */
export interface LineFields {
  time: number;
  method: number;
  pathStart: number;
  pathEnd: number;
  status: number;
  bytes: number;
  latency: number;
}

function digits(u8: Uint8Array, from: number, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) n = n * 10 + (u8[from + i]! - 48);
  return n;
}

function methodCode(u8: Uint8Array, at: number): number {
  switch (u8[at]) {
    case 71: // G
      return 0;
    case 80: // P
      return u8[at + 1] === 79 ? 1 : 2;
    case 68: // D
      return 3;
    default:
      return 4;
  }
}

/**
 * Parses `YYYY-MM-DDTHH:MM:SS.mmmZ ip METHOD path status bytes latency` starting at `at` into
 * `out`; returns the offset after the line's newline.
 */
export function parseLine(u8: Uint8Array, at: number, out: LineFields): number {
  out.time =
    Date.UTC(
      digits(u8, at, 4),
      digits(u8, at + 5, 2) - 1,
      digits(u8, at + 8, 2),
      digits(u8, at + 11, 2),
      digits(u8, at + 14, 2),
      digits(u8, at + 17, 2),
    ) + digits(u8, at + 20, 3);
  let i = at + 25;
  while (u8[i] !== 32) i++; // ip
  i++;
  out.method = methodCode(u8, i);
  while (u8[i] !== 32) i++;
  out.pathStart = ++i;
  while (u8[i] !== 32) i++;
  out.pathEnd = i++;
  let n = 0;
  while (u8[i] !== 32) n = n * 10 + (u8[i++]! - 48);
  out.status = n;
  i++;
  n = 0;
  while (u8[i] !== 32) n = n * 10 + (u8[i++]! - 48);
  out.bytes = n;
  i++;
  n = 0;
  while (u8[i] !== 10) n = n * 10 + (u8[i++]! - 48);
  out.latency = n;
  return i + 1;
}
