/** The record both sides of the gather benchmark make: what a worker computes for item `i`. */
export interface GatherRecord {
  id: number;
  value: number;
  name: string;
}

export function makeRecord(i: number): GatherRecord {
  return { id: i, value: i * 0.5, name: `item-${i % 10_000}` };
}

/** Reads what a consumer would: every field of every record. Returns a checksum. */
export function readObjects(records: GatherRecord[]): number {
  let sum = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    sum += r.id + r.value + r.name.length;
  }
  return sum;
}
