import { nodeBufferOver, readShortString, writeShortString } from '../../support/short-strings.js';
import { makeRecord, weigh } from './records.js';

/*
 * The layout a careful user writes by hand in shared memory, sized up front for n records:
 *
 *   records (SharedArrayBuffer, 16 * n)   record i at 16 * i: u32 id | u32 name byte length | f64 value
 *   names   (SharedArrayBuffer, 16 * n)   the name of record i at 16 * i, UTF-8, at most 16 bytes
 *
 * Every worker writes its own records in place; only "done" travels. It knows its names fit
 * 16 bytes: where they might not, it would need a second pass or an overflow area.
 */
export const NAME_SLOT = 16;

export interface SharedLayout {
  records: SharedArrayBuffer;
  names: SharedArrayBuffer;
}

export function sharedLayout(n: number): SharedLayout {
  return { records: new SharedArrayBuffer(n * 16), names: new SharedArrayBuffer(n * NAME_SLOT) };
}

/** Makes records `from..to` and writes them in place. */
export function writeShared({ records, names }: SharedLayout, from: number, to: number): void {
  const u32 = new Uint32Array(records);
  const f64 = new Float64Array(records);
  const u8 = new Uint8Array(names);
  const node = nodeBufferOver(u8);
  for (let i = from; i < to; i++) {
    const r = makeRecord(i);
    u32[i * 4] = r.id;
    u32[i * 4 + 1] = writeShortString(u8, node, r.name, i * NAME_SLOT, NAME_SLOT);
    f64[i * 2 + 1] = r.value;
  }
}

/** Reads every field of the first `n` records. Returns a checksum. */
export function readShared({ records, names }: SharedLayout, n: number): number {
  const u32 = new Uint32Array(records);
  const f64 = new Float64Array(records);
  const u8 = new Uint8Array(names);
  const node = nodeBufferOver(u8);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += weigh(u32[i * 4]!, f64[i * 2 + 1]!, readShortString(u8, node, i * NAME_SLOT, u32[i * 4 + 1]!));
  }
  return sum;
}
