// A page that imports the packages the ordinary way (`import … from`), as most apps will, and
// sends a Herd and channel ends into threads. scripts/check-web-demo.mjs loads it from Vite's dev
// server and from a `vite build`, where the bundler merges the packages into this page's chunk.
import { Herd } from '@herd/herd';
import { par, range } from '@herd/rayon-lite';
import { type Sender, scope, syncChannel } from '@herd/scope';

const status = document.getElementById('status') as HTMLOutputElement;

async function main(): Promise<string[]> {
  const herd = new Herd({ maxBytes: 1 << 24 });
  const ptrs = await par(range(0, 1000))
    .with({ herd })
    .mapInit(
      ({ herd }) => herd.get(),
      (member, i) => {
        const p = member.alloc(8);
        member.memory.f64[p >>> 3] = i;
        return p;
      },
    )
    .collect();
  const herdOk = ptrs.every((p, i) => herd.memory.f64[p >>> 3] === i) && herd.leased() === 0;

  const [tx, rx] = syncChannel(16);
  const sum = await scope(async (s) => {
    s.spawn(
      (tx: Sender, n: number) => {
        for (let i = 1; i <= n; i++) tx.send(i);
        tx.close();
      },
      tx,
      100,
    );
    let total = 0;
    for await (const v of rx) total += v;
    return total;
  });
  const wrong: string[] = [];
  if (!herdOk) wrong.push('the records a Herd got in the threads read back wrong');
  if (sum !== 5050) wrong.push(`a channel from a thread summed to ${sum}, not 5050`);
  return wrong;
}

main().then(
  (wrong) => {
    status.dataset.state = wrong.length === 0 ? 'done' : 'error';
    status.textContent = wrong.length === 0 ? 'done' : wrong.join('; ');
  },
  (error) => {
    status.dataset.state = 'error';
    status.textContent = `failed: ${(error as Error).stack ?? error}`;
  },
);
