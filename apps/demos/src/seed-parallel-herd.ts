// The first seed example of the design, as written: a parallel iterator leases herd members with
// mapInit, each item allocates a record in the herd, and the Ptrs outlive the iterator.
import { Herd } from '@herd/herd';
import { par, range } from '@herd/rayon-lite';

export async function seedParallelHerd(): Promise<void> {
  const started = performance.now();
  const herd = new Herd();
  const ptrs = await par(range(0, 1000))
    .with({ herd })
    .mapInit(
      ({ herd }) => herd.get(),
      (bump, i) => {
        const p = bump.alloc(8);
        bump.memory.f64[p >>> 3] = i;
        return p;
      },
    )
    .collect();
  const values = ptrs.map((p) => herd.memory.f64[p >>> 3]); // still there after the iterator ended
  const ms = performance.now() - started;
  const ok = values.every((v, i) => v === i);
  console.log(
    `  ${ptrs.length} records made in worker threads, read back on the main thread: ${ok ? 'all correct' : 'WRONG'}`,
  );
  console.log(
    `  members leased after the iterator: ${herd.leased()}; herd holds ${herd.allocatedBytes()} bytes of chunks`,
  );
  herd.reset(); // all of it freed at once
  console.log(
    `  herd.reset(): ${herd.allocatedBytes()} bytes held; ${ms.toFixed(1)} ms in all (pool start included)`,
  );
  if (!ok) throw new Error('the parallel herd example read back wrong values');
}
