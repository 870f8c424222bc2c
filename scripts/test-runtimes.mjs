#!/usr/bin/env node
// Runs every package's test suite on the runtimes besides the Node that runs `pnpm test`:
// headless Chromium (vitest's browser mode, each package's vitest.browser.config.ts), Bun and
// Deno (vitest itself run by them). A runtime that is not on this machine is skipped, loudly; the
// counts of each runtime that ran are printed at the end.
//
//   node scripts/test-runtimes.mjs                     # chromium, bun, deno: those found
//   node scripts/test-runtimes.mjs bun deno            # only these
//   node scripts/test-runtimes.mjs --install           # first install Bun and Deno from npm
//   node scripts/test-runtimes.mjs --require-all       # a missing runtime is a failure (CI)
//
// Where the runtimes are looked for: Chromium at CHROMIUM_PATH or the usual system paths
// (`apt-get install chromium`); Bun at BUN_PATH, in the tools directory, or on PATH; Deno at
// DENO_PATH, in the tools directory, or on PATH. The tools directory is HERD_TOOLS_DIR, else
// $RUNNER_TEMP/herd-tools or <tmp>/herd-tools: `--install` puts the npm packages of Bun and Deno
// there (prebuilt binaries; the repository's own dependencies stay the same on every platform).
// Build first (`pnpm build`): the suites load the packages' dist files. With HERD_TEST_LOGS set
// to a directory, each runtime's output is also written there (<runtime>.log, for .ci/run).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, INSTALL_CHROMIUM } from './chromium.mjs';
import { countTests, formatCounts } from './count-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The versions CI installs; both run vitest 4.1 and the suites (see README "Runs on"). */
const BUN_VERSION = '1.4.5';
const DENO_VERSION = '2.9.6';
/** A package's suite that has not finished after this long is stopped and counted as failed. */
const SUITE_TIMEOUT_MS = 10 * 60_000;

const toolsDir = process.env.HERD_TOOLS_DIR || join(process.env.RUNNER_TEMP || tmpdir(), 'herd-tools');

/** The npm packages that carry the Bun and Deno binaries for this platform, if they exist. */
function npmBinaries() {
  const platform = `${process.platform}-${process.arch}`;
  // Only the platform CI runs on is listed: elsewhere, install Bun and Deno as their sites say.
  const known = {
    'linux-x64': {
      bun: { pkg: '@oven/bun-linux-x64', version: BUN_VERSION, bin: 'bin/bun' },
      deno: { pkg: '@deno/linux-x64-glibc', version: DENO_VERSION, bin: 'deno' },
    },
  };
  return known[platform] ?? null;
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of process.platform === 'win32' ? [`${command}.exe`, `${command}.cmd`] : [command]) {
      const path = join(dir, name);
      if (dir !== '' && existsSync(path)) return path;
    }
  }
  return undefined;
}

function inToolsDir(name) {
  const binaries = npmBinaries();
  if (binaries === null) return undefined;
  const { pkg, bin } = binaries[name];
  const path = join(toolsDir, 'node_modules', pkg, bin);
  return existsSync(path) ? path : undefined;
}

function versionOf(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : 'version unknown';
}

/** How each runtime is found, named and run on one package. */
const runtimes = {
  chromium: {
    find: chromiumPath,
    hint: INSTALL_CHROMIUM,
    version: (path) => versionOf(path, ['--version']).replace(/ built on .*/, ''),
    // Node runs vitest, which drives the browser; the config finds Chromium the same way.
    command: (path, vitest) => ({
      command: process.execPath,
      args: [vitest, 'run', '--config', 'vitest.browser.config.ts'],
      env: { CHROMIUM_PATH: path },
    }),
  },
  bun: {
    find: () => process.env.BUN_PATH || inToolsDir('bun') || onPath('bun'),
    hint: 'put bun on PATH, set BUN_PATH, or run `node scripts/test-runtimes.mjs --install bun`',
    version: (path) => `bun ${versionOf(path, ['--version'])}`,
    command: (path, vitest) => ({ command: path, args: ['--bun', vitest, 'run'], env: {} }),
  },
  deno: {
    find: () => process.env.DENO_PATH || inToolsDir('deno') || onPath('deno'),
    hint: 'put deno on PATH, set DENO_PATH, or run `node scripts/test-runtimes.mjs --install deno`',
    version: (path) => versionOf(path, ['--version']).replace(/ \(.*/, ''),
    command: (path, vitest) => ({ command: path, args: ['run', '-A', vitest, 'run'], env: {} }),
  },
};

function install(names) {
  const binaries = npmBinaries();
  const wanted = names.filter((name) => name === 'bun' || name === 'deno');
  if (wanted.length === 0) return;
  if (binaries === null) {
    console.log(
      `--install: no npm package of Bun and Deno is known here for ${process.platform}-${process.arch}; install them yourself`,
    );
    return;
  }
  const missing = wanted.filter((name) => inToolsDir(name) === undefined);
  if (missing.length === 0) return;
  const specs = missing.map((name) => `${binaries[name].pkg}@${binaries[name].version}`);
  console.log(`--- installing ${specs.join(' ')} into ${toolsDir}`);
  mkdirSync(toolsDir, { recursive: true });
  const result = spawnSync(
    'npm',
    ['install', '--prefix', toolsDir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...specs],
    { stdio: 'inherit', shell: process.platform === 'win32' },
  );
  if (result.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed`);
}

function packages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'vitest.config.ts')))
    .map((entry) => ({ name: `@herd/${entry.name}`, path: join(dir, entry.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Runs one package's suite, its output prefixed as turbo does; resolves with what it printed. */
function runSuite(pkg, runtime, path) {
  const vitest = join(pkg.path, 'node_modules', 'vitest', 'vitest.mjs');
  const { command, args, env } = runtimes[runtime].command(path, vitest);
  const prefix = `${pkg.name}:test:${runtime}: `;
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: pkg.path,
      env: { ...process.env, ...env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let output = '';
    let partial = '';
    const onData = (chunk) => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      process.stdout.write(`${prefix}did not finish within ${SUITE_TIMEOUT_MS / 60_000} min: stopped\n`);
      output += '\n FAIL  (timed out) [ whole suite ]\n';
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, SUITE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial !== '') process.stdout.write(`${prefix}${partial}\n`);
      const counts = countTests(output);
      // A run that failed without a test or file to blame (a config that does not load) still fails.
      if (code !== 0 && counts.failed === 0) {
        output += `\n FAIL  (exit ${code ?? signal}) [ whole suite ]\n`;
      }
      resolve(output);
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const requireAll = argv.includes('--require-all');
  const named = argv.filter((arg) => !arg.startsWith('--'));
  for (const name of named) {
    if (!(name in runtimes))
      throw new Error(`unknown runtime ${name}: use ${Object.keys(runtimes).join(', ')}`);
  }
  const chosen = named.length > 0 ? named : Object.keys(runtimes);
  if (argv.includes('--install')) install(chosen);

  const summary = [];
  let failed = false;
  for (const runtime of chosen) {
    const path = runtimes[runtime].find();
    if (path === undefined) {
      const line = `SKIPPED: the ${runtime} suites did not run: ${runtime} was not found; ${runtimes[runtime].hint}`;
      console.log(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
      summary.push(`${runtime}: SKIPPED (not found)`);
      if (requireAll) failed = true;
      continue;
    }
    const version = runtimes[runtime].version(path);
    console.log(`\n--- test on ${runtime} (${version}, ${path})`);
    const total = { passed: 0, failed: 0, skipped: 0 };
    let log = '';
    for (const pkg of packages()) {
      const output = await runSuite(pkg, runtime, path);
      log += output;
      const counts = countTests(output);
      for (const key of Object.keys(total)) total[key] += counts[key];
    }
    if (process.env.HERD_TEST_LOGS) writeFileSync(join(process.env.HERD_TEST_LOGS, `${runtime}.log`), log);
    if (total.failed > 0) failed = true;
    summary.push(`${runtime} (${version}): tests: ${formatCounts(total)}`);
  }
  console.log(`\n--- summary of the other runtimes\n${summary.join('\n')}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`test-runtimes: ${error.message}`);
    process.exitCode = 1;
  },
);
