import { par, range, ThreadPool } from '@herd/rayon-lite';
import { Piscina } from 'piscina';

const pool = new ThreadPool({ numThreads: 2 });
const pis = new Piscina({
  filename: new URL('./dist/rayon-lite/workers/tiny-piscina.js', import.meta.url).href,
  minThreads: 2,
  maxThreads: 2,
});
const ITEMS = 16;
async function timePar(n) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  for (let k = 0; k < n; k++)
    await par(range(0, ITEMS), { pool })
      .map((i) => i * 2)
      .sum();
  const c = process.cpuUsage(c0);
  return [((performance.now() - t) / n) * 1000, (c.user + c.system) / n];
}
async function timePis(n) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  for (let k = 0; k < n; k++) await pis.run({ n: ITEMS });
  const c = process.cpuUsage(c0);
  return [((performance.now() - t) / n) * 1000, (c.user + c.system) / n];
}
await timePar(500);
await timePis(500);
const rs = [];
for (let r = 0; r < 8; r++) {
  const [a, ac] = await timePar(500);
  const [b, bc] = await timePis(500);
  rs.push(b / a);
  console.log(
    `par ${a.toFixed(1)} us (cpu ${ac.toFixed(1)}) · piscina ${b.toFixed(1)} us (cpu ${bc.toFixed(1)}) · ratio ${(b / a).toFixed(2)}`,
  );
}
rs.sort();
console.log('median ratio', rs[4].toFixed(2));
await pool.close();
await pis.destroy();
