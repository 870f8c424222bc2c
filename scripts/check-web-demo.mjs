#!/usr/bin/env node
// Checks that the web demo (apps/web-demo) works in headless Chromium, as a newcomer would see it:
// on Vite's dev server, and built by `vite build` and served by `vite preview` (under the
// Content-Security-Policy of its vite.config.ts). In each, the page must render its picture in
// Web Workers, find every pixel equal to its own single-thread render, and report escape counts
// whose fingerprint equals the one computed here, in Node, from the view the page reports. Then
// the same after a click on "Seahorse valley" (warm threads, a deeper view).
//
//   node scripts/check-web-demo.mjs [--screenshot apps/web-demo/screenshot.jpg]
//
// Build the packages first (`pnpm build`): the demo loads their dist/browser files.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright';
import { chromiumPath, INSTALL_CHROMIUM } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'apps', 'web-demo');
const PAGE_TIMEOUT_MS = 120_000;

/** Vite as the demo depends on it. */
async function loadVite() {
  const require = createRequire(join(demo, 'package.json'));
  return import(pathToFileURL(require.resolve('vite')).href);
}

/**
 * The escape counts of the view, computed here independently of the page's code, and their
 * FNV-1a fingerprint (over each count's low byte, then high byte, row by row).
 */
function expectedFingerprint({ cx, cy, scale, width, height, maxIter }) {
  let h = 0x811c9dc5;
  for (let row = 0; row < height; row++) {
    const ci = cy + (row - height / 2) * scale;
    for (let col = 0; col < width; col++) {
      const cr = cx + (col - width / 2) * scale;
      let zr = 0;
      let zi = 0;
      let n = 0;
      while (n < maxIter) {
        const zr2 = zr * zr;
        const zi2 = zi * zi;
        if (zr2 + zi2 > 4) break;
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        n++;
      }
      h = Math.imul(h ^ (n & 0xff), 0x01000193);
      h = Math.imul(h ^ (n >>> 8), 0x01000193);
    }
  }
  return h >>> 0;
}

/** Waits for the page's verdict and checks it; returns a line that says what was shown. */
async function verdict(page, problems) {
  await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', {
    timeout: PAGE_TIMEOUT_MS,
  });
  const status = await page.$eval('#status', (element) => ({
    text: element.textContent,
    ...element.dataset,
  }));
  if (status.state !== 'done') throw new Error(`the page says: ${status.text}`);
  const view = JSON.parse(status.view);
  const pixels = view.width * view.height;
  const fingerprint = expectedFingerprint(view);
  const wrong = [];
  if (Number(status.pixels) !== pixels) wrong.push(`${status.pixels} pixels, not ${pixels}`);
  if (status.mismatches !== '0') wrong.push(`${status.mismatches} pixels differ from its own render`);
  // Runtime ids: 0 is the page itself, Web Workers the runtime started are 1 and up. How many
  // share the rows depends on how busy the machine is (a thread claims rows as it comes).
  const ids = status.threadIds.split(',').map(Number);
  if (!ids.every((id) => id > 0)) wrong.push(`rows made by threads ${status.threadIds}: 0 is the page`);
  if (status.leased !== '0') wrong.push(`${status.leased} herd members still leased`);
  if (Number(status.fingerprint) !== fingerprint) {
    wrong.push(`fingerprint ${status.fingerprint}, but Node computes ${fingerprint} for that view`);
  }
  if (problems.length > 0) wrong.push(`the page logged: ${problems.join(' | ')}`);
  if (wrong.length > 0) throw new Error(wrong.join('; '));
  return `${pixels} pixels from Web Workers ${status.threadIds} equal the page's own render; fingerprint ${fingerprint} = Node's`;
}

/**
 * Loads the page that imports the packages statically (apps/web-demo/test/static-imports) and
 * checks that a Herd and channel ends worked in its threads.
 */
async function checkStaticImports(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await page.goto(url);
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', {
      timeout: PAGE_TIMEOUT_MS,
    });
    const text = await page.textContent('#status');
    if ((await page.getAttribute('#status', 'data-state')) !== 'done' || problems.length > 0) {
      throw new Error(`the page says: ${[text, ...problems].join(' | ')}`);
    }
    return 'a Herd and channel ends crossed into Web Workers and worked';
  } finally {
    await page.close();
  }
}

/** Loads `url`, checks the first picture, then the deeper one; optionally screenshots it. */
async function checkPage(browser, url, { csp, screenshot }) {
  const page = await browser.newPage({ viewport: { width: 1380, height: 800 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  try {
    const response = await page.goto(url);
    const headers = response?.headers() ?? {};
    if (headers['cross-origin-embedder-policy'] !== 'require-corp') {
      throw new Error(
        `served without Cross-Origin-Embedder-Policy: require-corp (${JSON.stringify(headers)})`,
      );
    }
    if (csp && !headers['content-security-policy']) {
      throw new Error('served without the Content-Security-Policy of vite.config.ts');
    }
    const lines = [`whole set: ${await verdict(page, problems)}`];
    await page.click('#deep');
    await page.waitForSelector('#status[data-state="running"]', { timeout: PAGE_TIMEOUT_MS });
    lines.push(`seahorse valley: ${await verdict(page, problems)}`);
    if (screenshot) {
      await page.evaluate(() => window.scrollTo(0, 0));
      const jpeg = /\.jpe?g$/i.test(screenshot);
      await page.screenshot({ path: screenshot, ...(jpeg ? { type: 'jpeg', quality: 85 } : {}) });
      lines.push(`screenshot: ${screenshot}`);
    }
    return lines;
  } finally {
    await page.close();
  }
}

async function main() {
  const at = process.argv.indexOf('--screenshot');
  const screenshot = at > 0 ? resolve(process.argv[at + 1] ?? 'screenshot.png') : undefined;
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(`no Chromium found: ${INSTALL_CHROMIUM}`);
  const vite = await loadVite();
  let passed = 0;
  let failed = 0;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  const servers = [];
  try {
    const staticImports = join(demo, 'test', 'static-imports', 'vite.config.ts');
    let dev;
    const checks = [
      {
        name: 'the demo on the vite dev server',
        run: async () => {
          dev = await vite.createServer({ root: demo, logLevel: 'error', server: { port: 0 } });
          await dev.listen();
          servers.push(dev);
          return checkPage(browser, dev.resolvedUrls.local[0], {});
        },
      },
      {
        name: 'the demo built by vite build, on vite preview with a Content-Security-Policy',
        run: async () => {
          await vite.build({ root: demo, logLevel: 'error' });
          const server = await vite.preview({ root: demo, logLevel: 'error', preview: { port: 0 } });
          servers.push(server);
          return checkPage(browser, server.resolvedUrls.local[0], { csp: true, screenshot });
        },
      },
      {
        name: 'a page importing the packages statically, on the vite dev server',
        run: async () => [
          await checkStaticImports(browser, `${dev.resolvedUrls.local[0]}test/static-imports/`),
        ],
      },
      {
        name: 'a page importing the packages statically, built by vite build',
        run: async () => {
          await vite.build({ configFile: staticImports, logLevel: 'error' });
          const server = await vite.preview({
            configFile: staticImports,
            logLevel: 'error',
            preview: { port: 0 },
          });
          servers.push(server);
          return [await checkStaticImports(browser, server.resolvedUrls.local[0])];
        },
      },
    ];
    for (const check of checks) {
      try {
        const lines = await check.run();
        console.log(`web demo: ${check.name}: ok`);
        for (const line of lines) console.log(`  ${line}`);
        passed++;
      } catch (error) {
        console.log(`web demo: ${check.name}: FAIL\n  ${error.message.split('\n').slice(0, 6).join('\n  ')}`);
        failed++;
      }
    }
  } finally {
    await browser.close();
    for (const server of servers) await server.close();
  }
  console.log(`web demo: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`check-web-demo: ${error.stack ?? error}`);
    process.exitCode = 1;
  },
);
