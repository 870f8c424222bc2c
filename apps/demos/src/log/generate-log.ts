// A web server's access log, made up but shaped like a real one, written straight into a
// SharedArrayBuffer so that every worker can parse its part in place.

const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'];
const ROUTES = [
  '/',
  '/login',
  '/api/users',
  '/api/orders',
  '/api/items',
  '/static/app.js',
  '/static/site.css',
  '/health',
];
const STATUSES = [200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 404, 404, 500, 503];

/** A small deterministic generator (mulberry32), so every run parses the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines of `time ip method path status bytes latencyMs`, about `bytes` of them. */
export function generateLog(bytes: number): { text: Uint8Array; lines: number } {
  const text = new Uint8Array(new SharedArrayBuffer(bytes + 256));
  const next = random(42);
  let at = 0;
  let lines = 0;
  let time = Date.UTC(2026, 10, 25, 8, 0, 0);
  const encoder = new TextEncoder();
  while (at < bytes) {
    time += Math.floor(next() * 40);
    const route = ROUTES[Math.floor(next() * ROUTES.length)]!;
    const path = route.startsWith('/api/') ? `${route}/${Math.floor(next() * 5000)}` : route;
    const status = STATUSES[Math.floor(next() * STATUSES.length)]!;
    const size = status === 204 || status === 304 ? 0 : Math.floor(next() * 20_000);
    const latency = Math.floor(1 + next() ** 3 * (status >= 500 ? 3000 : 400));
    const ip = `10.0.${Math.floor(next() * 16)}.${Math.floor(next() * 255)}`;
    const method = METHODS[Math.floor(next() * METHODS.length)]!;
    const line = `${new Date(time).toISOString()} ${ip} ${method} ${path} ${status} ${size} ${latency}\n`;
    if (at + line.length > text.length) break;
    at += encoder.encodeInto(line, text.subarray(at)).written;
    lines++;
  }
  return { text: text.subarray(0, at), lines };
}

/** Offsets that cut `text` into about `pieces` runs of whole lines: piece i is [bounds[i], bounds[i+1]). */
export function lineBounds(text: Uint8Array, pieces: number): Uint32Array {
  const bounds = new Uint32Array(pieces + 1);
  for (let i = 1; i < pieces; i++) {
    let at = Math.max(bounds[i - 1]!, Math.floor((text.length * i) / pieces));
    while (at < text.length && text[at - 1] !== 0x0a) at++;
    bounds[i] = at;
  }
  bounds[pieces] = text.length;
  return bounds;
}
