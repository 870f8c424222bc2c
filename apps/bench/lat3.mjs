import { encodeTask, RuntimeThread } from '@herd/scope/runtime';
import { Piscina } from 'piscina';

const t = new RuntimeThread(new URL('../../packages/rayon-lite/dist/worker.js', import.meta.url), {
  data: { slots: new SharedArrayBuffer(8) },
});
const pis = new Piscina({
  filename: new URL('./dist/rayon-lite/workers/tiny-piscina.js', import.meta.url).href,
  minThreads: 1,
  maxThreads: 1,
});
const task = encodeTask(() => 1, 'fn');
async function rt(n) {
  const s = performance.now();
  for (let i = 0; i < n; i++) await t.run('task', { task, args: [] }).outcome;
  return ((performance.now() - s) / n) * 1000;
}
async function pi(n) {
  const s = performance.now();
  for (let i = 0; i < n; i++) await pis.run({ n: 16 });
  return ((performance.now() - s) / n) * 1000;
}
await rt(500);
await pi(500);
for (let r = 0; r < 5; r++)
  console.log(`runtime ${(await rt(1000)).toFixed(1)} us · piscina ${(await pi(1000)).toFixed(1)} us`);
await t.terminate();
await pis.destroy();
