// The page: starts the threads, paints what they put in the herd, and checks every pixel against
// the same computation done here on the page alone.
//
// The module of module tasks (tasks.ts), and what it shares with the page, are imported with
// import(), not `import … from`: the threads load tasks.ts by its URL, with its imports, and a
// bundler merges statically imported modules into the page's own chunk, which a thread would then
// load, DOM code and all. Dynamically imported modules keep chunks of their own. (Needed for
// `vite build`; the dev server serves every module on its own. A page without module tasks can
// import the packages as usual: see test/static-imports.)
import type { View } from './fractal.js';

const WIDTH = 720;
const HEIGHT = 450;
/** Rows a thread claims at a time. */
const BAND = 6;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = element<HTMLOutputElement>('status');
const stats = element<HTMLDListElement>('stats');
const countsCanvas = element<HTMLCanvasElement>('counts');
const shadedCanvas = element<HTMLCanvasElement>('shaded');
const threadsCanvas = element<HTMLCanvasElement>('threads');
const buttons = [...document.querySelectorAll('button')];

function say(state: 'running' | 'done' | 'error', text: string, data: Record<string, string> = {}): void {
  status.dataset.state = state;
  status.textContent = text;
  for (const [key, value] of Object.entries(data)) status.dataset[key] = value;
}

function showStats(rows: Array<[string, string]>): void {
  stats.replaceChildren(
    ...rows.flatMap(([term, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      return [dt, dd];
    }),
  );
}

/** A colour per thread, for the stripe beside the first picture. */
function threadColour(index: number): string {
  return `hsl(${(index * 137.5) % 360} 80% 60%)`;
}

/** The flat colour of a count while rows arrive (the relief comes in the second pass). */
function flatColour(n: number, maxIter: number, out: Uint8ClampedArray, o: number): void {
  const t = n >= maxIter ? 0 : Math.sqrt(n / maxIter);
  out[o] = 255 * t * t;
  out[o + 1] = 255 * t;
  out[o + 2] = 90 + 165 * t;
  out[o + 3] = 255;
}

async function main(): Promise<void> {
  if (!globalThis.crossOriginIsolated) {
    say(
      'error',
      'This page is not cross-origin isolated, so it has no SharedArrayBuffer: serve it with ' +
        'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.',
    );
    return;
  }
  const [
    { Herd },
    { Bump },
    { scope, syncChannel },
    { par, range },
    { task, ROW_HEADER },
    { escapeRow, fingerprint, homeView, shadeRow, zoomed },
  ] = await Promise.all([
    import('@herd/herd'),
    import('@herd/bump'),
    import('@herd/scope'),
    import('@herd/rayon-lite'),
    import('./tasks.js'),
    import('./fractal.js'),
  ]);
  const threadCount = Math.max(2, navigator.hardwareConcurrency || 2);
  const herd = new Herd({ maxBytes: 64 << 20 });
  let view = homeView(WIDTH, HEIGHT);
  let busy = false;
  let first = true;

  async function render(next: View): Promise<void> {
    if (busy) return;
    busy = true;
    for (const button of buttons) button.disabled = true;
    view = next;
    try {
      say('running', `rendering on ${threadCount} threads…`);
      herd.reset();
      const { width, height, maxIter } = view;
      const counts2d = countsCanvas.getContext('2d')!;
      const threads2d = threadsCanvas.getContext('2d')!;
      const rows = new Uint32Array(new SharedArrayBuffer(height * 4));
      const threadOfRow = new Int32Array(height);
      const line = new ImageData(width, 1);

      // 1. scope(): the threads claim bands of rows from a shared counter, render each row into
      //    the herd and send its Ptr through the channel; the page paints rows as they arrive.
      const started = performance.now();
      const [tx, rx] = syncChannel(256);
      const claims = new Int32Array(new SharedArrayBuffer(4));
      await scope(async (s) => {
        for (let k = 0; k < threadCount; k++) {
          s.spawn(task('renderRows'), herd, tx.clone(), view, claims, BAND);
        }
        tx.close();
        const m = herd.memory;
        for await (const p of rx) {
          const thread = m.u32[p >>> 2]!;
          const row = m.u32[(p >>> 2) + 1]!;
          rows[row] = p;
          threadOfRow[row] = thread;
          const first = (p + ROW_HEADER) >>> 1;
          for (let col = 0; col < width; col++) flatColour(m.u16[first + col]!, maxIter, line.data, col * 4);
          counts2d.putImageData(line, 0, row);
        }
      });
      const rendered = performance.now();
      const threadIds = [...new Set(threadOfRow)].sort((a, b) => a - b);
      for (let row = 0; row < height; row++) {
        threads2d.fillStyle = threadColour(threadIds.indexOf(threadOfRow[row]!));
        threads2d.fillRect(0, row, threadsCanvas.width, 1);
      }

      // 2. par().mapInit(): each piece of rows leases a member; each row is lit from its
      //    neighbours' counts (rows other threads made) into RGBA bytes in the herd.
      const shadedRows = (await par(range(0, height))
        .with({ herd, view, rows })
        .mapInit(task('lease'), task('shade'))
        .collect()) as number[];
      const shaded = performance.now();
      const picture = new ImageData(width, height);
      const u8 = herd.memory.u8;
      for (let row = 0; row < height; row++) {
        const p = shadedRows[row]!;
        picture.data.set(u8.subarray(p, p + width * 4), row * width * 4);
      }
      shadedCanvas.getContext('2d')!.putImageData(picture, 0, 0);

      // 3. The same work on the page alone, into a local Bump arena, compared pixel by pixel.
      const bump = new Bump();
      const reference = bump.allocSlice(Uint16Array, width * height);
      for (let row = 0; row < height; row++) escapeRow(view, row, reference, row * width);
      const referenceRgba = new Uint8ClampedArray(width * 4);
      const rowOf = (r: number) => {
        const clamped = Math.min(height - 1, Math.max(0, r));
        return reference.subarray(clamped * width, (clamped + 1) * width);
      };
      const parallel = new Uint16Array(width * height);
      let mismatches = 0;
      for (let row = 0; row < height; row++) {
        const counts = new Uint16Array(herd.memory.buffer, rows[row]! + ROW_HEADER, width);
        parallel.set(counts, row * width);
        shadeRow(view, rowOf(row - 1), rowOf(row), rowOf(row + 1), referenceRgba, 0);
        const rgba = u8.subarray(shadedRows[row]!, shadedRows[row]! + width * 4);
        for (let col = 0; col < width; col++) {
          const o = col * 4;
          if (
            counts[col] !== reference[row * width + col] ||
            rgba[o] !== referenceRgba[o] ||
            rgba[o + 1] !== referenceRgba[o + 1] ||
            rgba[o + 2] !== referenceRgba[o + 2]
          )
            mismatches++;
        }
      }
      const alone = performance.now() - shaded;
      bump.reset();

      const pixels = width * height;
      const leased = herd.leased();
      const perThread = threadIds.map((id) => threadOfRow.filter((t) => t === id).length);
      showStats([
        ['threads', `${threadIds.length} Web Workers (runtime ids ${threadIds.join(', ')})`],
        ['rows per thread', perThread.join(' · ')],
        [
          '1 · render',
          `${(rendered - started).toFixed(0)} ms${first ? ' (with starting the Web Workers)' : ''}`,
        ],
        ['2 · shade', `${(shaded - rendered).toFixed(0)} ms`],
        ['the page alone, 1 + 2', `${alone.toFixed(0)} ms`],
        ['herd', `${(herd.allocatedBytes() / 1024).toFixed(0)} KiB in chunks, ${leased} members leased`],
        [
          'check',
          mismatches === 0
            ? `all ${pixels.toLocaleString('en')} pixels equal`
            : `${mismatches} pixels differ`,
        ],
      ]);
      first = false;
      const ok = mismatches === 0 && leased === 0;
      say(ok ? 'done' : 'error', ok ? 'done: every pixel checked' : `wrong: ${mismatches} pixels differ`, {
        pixels: String(pixels),
        mismatches: String(mismatches),
        threads: String(threadIds.length),
        threadIds: threadIds.join(','),
        leased: String(leased),
        fingerprint: String(fingerprint(parallel)),
        view: JSON.stringify(view),
      });
    } catch (error) {
      say('error', `failed: ${(error as Error).stack ?? error}`);
    } finally {
      busy = false;
      for (const button of buttons) button.disabled = false;
    }
  }

  const zoomAt = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * view.width;
    const y = ((event.clientY - box.top) / box.height) * view.height;
    void render(zoomed(view, x, y, 4));
  };
  countsCanvas.addEventListener('click', zoomAt);
  shadedCanvas.addEventListener('click', zoomAt);
  element('home').addEventListener('click', () => void render(homeView(WIDTH, HEIGHT)));
  element('out').addEventListener('click', () => void render({ ...view, scale: view.scale * 4 }));
  element('deep').addEventListener(
    'click',
    () => void render({ ...homeView(WIDTH, HEIGHT, 1500), cx: -0.7453, cy: 0.1127, scale: 0.0065 / WIDTH }),
  );
  await render(view);
}

main().catch((error) => say('error', `failed: ${(error as Error).stack ?? error}`));
