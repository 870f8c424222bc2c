/** The record every side of the gather benchmark makes: what a worker computes for item `i`. */
export interface GatherRecord {
  id: number;
  value: number;
  name: string;
}

export function makeRecord(i: number): GatherRecord {
  return { id: i, value: i * 0.5, name: `item-${i % 10_000}` };
}

/** What reading record `i` adds to the checksum: every field, the name as a string. */
export function weigh(id: number, value: number, name: string): number {
  return id + value + name.length;
}

/** The checksum of records 0..n-1, read correctly (exact: every term is a multiple of 0.5 far below 2^52). */
export function expectedChecksum(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = makeRecord(i);
    sum += weigh(r.id, r.value, r.name);
  }
  return sum;
}

/** Reads what a consumer would: every field of every record. Returns a checksum. */
export function readObjects(records: GatherRecord[]): number {
  let sum = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    sum += weigh(r.id, r.value, r.name);
  }
  return sum;
}
