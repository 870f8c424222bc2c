import { nodeBufferOver, readShortString, writeShortString } from '../../support/short-strings.js';
import { makeRecord, weigh } from './records.js';

/*
 * The packed layout a careful user transfers instead of cloning objects: one ArrayBuffer per
 * part, records first, then their names.
 *
 *   [0, 16 * count)     record k: u32 id | u32 byte offset of its name | f64 value
 *   [16 * count, ...)   names: u32 byte length, then UTF-8, each 4-aligned
 *
 * The buffer starts at 32 bytes a record (what these names need) and doubles when a name does not fit.
 */

function grow(buffer: ArrayBuffer, capacity: number): ArrayBuffer {
  const bigger = new ArrayBuffer(capacity);
  new Uint8Array(bigger).set(new Uint8Array(buffer));
  return bigger;
}

/** Makes records `from..to` and packs them into one ArrayBuffer, to be transferred. */
export function packRecords(from: number, to: number): ArrayBuffer {
  const count = to - from;
  let buffer = new ArrayBuffer(Math.max(64, count * 32));
  let u8 = new Uint8Array(buffer);
  let u32 = new Uint32Array(buffer);
  let f64 = new Float64Array(buffer);
  let node = nodeBufferOver(u8);
  let at = count * 16;
  for (let k = 0; k < count; k++) {
    const r = makeRecord(from + k);
    const room = r.name.length * 3;
    if (at + 4 + room > buffer.byteLength) {
      buffer = grow(buffer, (Math.max(buffer.byteLength * 2, at + 4 + room) + 7) & -8);
      u8 = new Uint8Array(buffer);
      u32 = new Uint32Array(buffer);
      f64 = new Float64Array(buffer);
      node = nodeBufferOver(u8);
    }
    const written = writeShortString(u8, node, r.name, at + 4, room);
    u32[at >>> 2] = written;
    u32[k * 4] = r.id;
    u32[k * 4 + 1] = at;
    f64[k * 2 + 1] = r.value;
    at = (at + 4 + written + 3) & -4;
  }
  return buffer;
}

/** Reads every field of the `count` records packed in `buffer`. Returns a checksum. */
export function readPacked(buffer: ArrayBuffer, count: number): number {
  const u8 = new Uint8Array(buffer);
  const u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  const f64 = new Float64Array(buffer, 0, buffer.byteLength >>> 3);
  const node = nodeBufferOver(u8);
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const at = u32[k * 4 + 1]!;
    sum += weigh(u32[k * 4]!, f64[k * 2 + 1]!, readShortString(u8, node, at + 4, u32[at >>> 2]!));
  }
  return sum;
}
