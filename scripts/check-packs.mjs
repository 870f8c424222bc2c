#!/usr/bin/env node
// Checks that every package in packages/* works as a user would get it from npm: packs it with
// `pnpm pack` (which turns `workspace:^` into real versions), installs the tarballs into a fresh
// npm project, and runs one ESM and one CJS snippet per package that does something real.
// Run after `pnpm build`. Exits non-zero if anything fails; leaves no temp directory behind.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A snippet that has not exited after this long is taken to be kept alive by a worker or timer. */
const snippetTimeoutMs = 30_000;
const commandTimeoutMs = 180_000;
const onWindows = process.platform === 'win32';

/**
 * What each package's snippets do. `names` are imported (ESM) or destructured from require
 * (CJS); `body` runs inside an async function and throws when the result is wrong. None of them
 * closes a pool or exits: each process must end by itself.
 */
const snippets = {
  '@herd/bump': {
    names: ['Bump'],
    body: `
      const b = new Bump();
      const p = b.allocStr('héllo');
      const got = b.memory.str(p);
      if (got !== 'héllo') throw new Error('memory.str(allocStr("héllo")) gave ' + JSON.stringify(got));`,
  },
  '@herd/herd': {
    names: ['Herd'],
    body: `
      const h = new Herd({ maxBytes: 1 << 20 });
      const m = h.get();
      const p = m.allocStr('hi');
      m.release();
      const got = h.memory.str(p);
      if (got !== 'hi') throw new Error('herd.memory.str(member.allocStr("hi")) gave ' + JSON.stringify(got));
      h.reset();`,
  },
  '@herd/scope': {
    names: ['scope'],
    body: `
      const got = await scope((s) => s.spawn((a, b) => a + b, 2, 3).join());
      if (got !== 5) throw new Error('a spawned (a, b) => a + b with 2, 3 joined to ' + JSON.stringify(got));`,
  },
  '@herd/rayon-lite': {
    names: ['par', 'range'],
    body: `
      const got = await par(range(0, 1000)).map((x) => x * 2).sum();
      if (got !== 999000) throw new Error('par(range(0, 1000)).map((x) => x * 2).sum() gave ' + JSON.stringify(got));`,
  },
};

function snippetSource(name, format) {
  const { names, body } = snippets[name];
  const load =
    format === 'esm'
      ? `import { ${names.join(', ')} } from '${name}';`
      : `const { ${names.join(', ')} } = require('${name}');`;
  // On failure the message goes to stderr and the exit code says so; on success nothing forces
  // an exit, so a leftover worker or timer shows up as a timeout.
  return `${load}
for (const [key, value] of Object.entries({ ${names.join(', ')} })) {
  if (value === undefined) throw new Error('${name} exports no ' + key);
}
(async () => {${body}
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exitCode = 1;
});
`;
}

/** Runs a command and returns its result; throws with its output when it fails. */
function run(command, args, options) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: commandTimeoutMs,
    shell: onWindows,
    ...options,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    const reason = result.error ? result.error.message : `exit code ${result.status}`;
    throw new Error(`${command} ${args.join(' ')} failed (${reason})\n${output}`);
  }
  return result;
}

function listPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => {
      const path = join(dir, entry.name);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      return { path, name: manifest.name, version: manifest.version, private: manifest.private === true };
    })
    .filter((pkg) => !pkg.private)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Packs one package into `destination` and returns the tarball's file name. */
function pack(pkg, destination) {
  if (!existsSync(join(pkg.path, 'dist'))) {
    throw new Error(`${pkg.name} has no dist/: run \`pnpm build\` first`);
  }
  const before = new Set(readdirSync(destination));
  run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.path });
  const made = readdirSync(destination).filter((file) => file.endsWith('.tgz') && !before.has(file));
  if (made.length !== 1) throw new Error(`pnpm pack in ${pkg.path} made ${made.length} tarballs`);
  return made[0];
}

/**
 * Installs the tarballs into a fresh project. Every @herd/* name is both a direct dependency on
 * its tarball and overridden to it (`$name` = the direct dependency's spec), so the packages'
 * dependencies on each other resolve to the tarballs as well and npm never asks the registry
 * about @herd/*, whose names someone else may own there.
 */
function install(projectDir, tarballs) {
  run('npm', ['init', '-y'], { cwd: projectDir });
  const manifestPath = join(projectDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.private = true;
  manifest.dependencies = {};
  manifest.overrides = {};
  for (const { name, file } of tarballs) {
    manifest.dependencies[name] = `file:${file}`;
    manifest.overrides[name] = `$${name}`;
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const common = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'];
  try {
    run('npm', [...common, '--offline'], { cwd: projectDir });
    return 'offline';
  } catch (error) {
    // Only third-party dependencies missing from npm's cache make --offline fail; those may come
    // from the registry, the @herd/* ones cannot (see above).
    if (!/ENOTCACHED/.test(error.message)) throw error;
    run('npm', [...common, '--prefer-offline'], { cwd: projectDir });
    return 'prefer-offline, for third-party dependencies';
  }
}

function runSnippet(projectDir, name, format) {
  const file = join(projectDir, `check-${name.replace('@herd/', '')}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  writeFileSync(file, snippetSource(name, format));
  const result = spawnSync(process.execPath, [file], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: snippetTimeoutMs,
    killSignal: 'SIGKILL',
  });
  if (result.error?.code === 'ETIMEDOUT') {
    return `did not exit within ${snippetTimeoutMs / 1000} s (something keeps the process alive)`;
  }
  if (result.error) return result.error.message;
  if (result.status !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim();
    return output === '' ? `exit code ${result.status ?? result.signal}` : output;
  }
  return null;
}

function firstLines(text, count) {
  return text.split('\n').slice(0, count).join('\n      ');
}

function main() {
  const workDir = mkdtempSync(join(tmpdir(), 'herd-check-packs-'));
  const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
  const onSignal = () => {
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const packages = listPackages();
    const tarballDir = join(workDir, 'tarballs');
    const projectDir = join(workDir, 'project');
    mkdirSync(tarballDir);
    mkdirSync(projectDir);

    const tarballs = packages.map((pkg) => ({
      name: pkg.name,
      file: join(tarballDir, pack(pkg, tarballDir)),
    }));
    console.log(`packed ${packages.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}`);
    const how = install(projectDir, tarballs);
    console.log(`installed ${tarballs.length} tarballs into a fresh npm project (${how})`);

    let failures = 0;
    let checks = 0;
    for (const pkg of packages) {
      if (!(pkg.name in snippets)) {
        console.log(
          `${pkg.name.padEnd(18)} --   no snippet for this package: add one to scripts/check-packs.mjs`,
        );
        checks++;
        failures++;
        continue;
      }
      for (const format of ['esm', 'cjs']) {
        checks++;
        const problem = runSnippet(projectDir, pkg.name, format);
        if (problem === null) {
          console.log(`${pkg.name.padEnd(18)} ${format}  ok`);
        } else {
          failures++;
          console.log(`${pkg.name.padEnd(18)} ${format}  FAIL\n      ${firstLines(problem, 8)}`);
        }
      }
    }
    console.log(
      failures === 0
        ? `check-packs: all ${checks} checks passed`
        : `check-packs: ${failures} of ${checks} checks FAILED`,
    );
    return failures === 0 ? 0 : 1;
  } catch (error) {
    console.error(`check-packs: FAIL\n${error.message}`);
    return 1;
  } finally {
    cleanUp();
  }
}

process.exitCode = main();
