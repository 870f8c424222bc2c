// The second seed example of the design, as written: a scoped producer and consumer share a herd
// and a channel that carries Ptrs; the consumer prints what the producer allocated.
import { Herd } from '@herd/herd';
import { scope, syncChannel } from '@herd/scope';

export async function seedChannel(): Promise<void> {
  const started = performance.now();
  const herd = new Herd();
  const [tx, rx] = syncChannel(10);
  await scope((s) => {
    s.spawn(
      (herd, tx) => {
        const bump = herd.get();
        tx.send(bump.allocStr('Hello'));
        bump.release();
        tx.close();
      },
      herd,
      tx,
    );
    s.spawn(
      (herd, rx) => {
        for (const p of rx) console.log(herd.memory.str(p));
      },
      herd,
      rx,
    );
  });
  console.log(
    `  both threads joined; ${(performance.now() - started).toFixed(1)} ms, members leased: ${herd.leased()}`,
  );
}
