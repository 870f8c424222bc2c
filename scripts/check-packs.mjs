#!/usr/bin/env node
// Checks that every package in packages/* works as a user would get it from npm: packs it with
// `pnpm pack` (which turns `workspace:^` into real versions), installs the tarballs into a fresh
// npm project, and runs one ESM and one CJS snippet per package that does something real. Then,
// for browsers: follows every import reachable from each package's entries under the conditions
// a bundler uses for a page (`browser`, `import`, `default`) and fails on any `node:` module (or
// other import a page cannot load), and checks that a package that starts threads does it with
// the literal `new Worker(new URL('./worker.js', import.meta.url), …)` bundlers look for.
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
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** The conditions a bundler matches for a page's ESM import, in its order of preference. */
const BROWSER_CONDITIONS = ['browser', 'import', 'default'];

/** The file an `exports` target resolves to under BROWSER_CONDITIONS, or null. */
function resolveTarget(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return null;
  for (const [condition, value] of Object.entries(target)) {
    if (!BROWSER_CONDITIONS.includes(condition)) continue;
    const found = resolveTarget(value);
    if (found !== null) return found;
  }
  return null;
}

/** Where `specifier` (a package name or subpath) resolves for a page, in the project's node_modules. */
function resolveBare(projectDir, specifier) {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = `.${specifier.slice(name.length)}`;
  const pkgDir = join(projectDir, 'node_modules', name);
  if (!existsSync(join(pkgDir, 'package.json'))) return null;
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const target = resolveTarget(manifest.exports?.[subpath] ?? null);
  return target === null ? null : join(pkgDir, target);
}

const IMPORT_PATTERNS = [
  // import … from '…' / export … from '…' (also across lines)
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
  // import '…' (for its effects)
  /\bimport\s*(['"])([^'"]+)\1/g,
  // import('…') with a literal
  /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g,
  // new URL('./…', import.meta.url): a worker entry or another module loaded by URL
  /\bnew URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g,
];

/** The code without its comments (doc examples name files that are not there). */
function withoutComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/**
 * Every module a page reaches from `entry`, and the imports it could not load: `node:` modules
 * and Node built-ins, bare names that resolve to nothing.
 */
function browserGraph(projectDir, entry) {
  const seen = new Set();
  const problems = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) {
      problems.push(`${relative(projectDir, file)} is missing`);
      continue;
    }
    const code = withoutComments(readFileSync(file, 'utf8'));
    for (const pattern of IMPORT_PATTERNS) {
      for (const [, , specifier] of code.matchAll(pattern)) {
        const where = relative(join(projectDir, 'node_modules'), file);
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) {
          problems.push(`${where} imports ${specifier}`);
        } else if (specifier.startsWith('.')) {
          queue.push(fileURLToPath(new URL(specifier, pathToFileURL(file))));
        } else {
          const resolved = resolveBare(projectDir, specifier);
          if (resolved === null)
            problems.push(`${where} imports ${specifier}, which resolves to nothing for a page`);
          else queue.push(resolved);
        }
      }
    }
  }
  return { modules: seen, problems };
}

/** The browser check of one installed package: what a page reaches, and the worker literal. */
function checkBrowser(projectDir, name) {
  const pkgDir = join(projectDir, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const modules = new Set();
  const problems = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const file = resolveTarget(target);
    if (file === null || !file.endsWith('.js')) continue;
    const graph = browserGraph(projectDir, join(pkgDir, file));
    for (const module of graph.modules) modules.add(module);
    for (const problem of graph.problems) problems.push(`${name}${subpath.slice(1)}: ${problem}`);
  }
  const own = [...modules].filter((file) => file.startsWith(pkgDir));
  const startsWorkers = own.some((file) => file.endsWith(`${'/'}worker.js`));
  if (startsWorkers) {
    const literal =
      /new Worker\(new URL\(["']\.\/worker\.js["'], import\.meta\.url\), \{ type: ["']module["']/;
    if (!own.some((file) => literal.test(readFileSync(file, 'utf8')))) {
      problems.push(
        `${name}: no literal new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }) for bundlers`,
      );
    }
  }
  return { modules: modules.size, startsWorkers, problems };
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
    for (const pkg of packages) {
      checks++;
      const { modules, startsWorkers, problems } = checkBrowser(projectDir, pkg.name);
      if (problems.length === 0) {
        const workers = startsWorkers ? ', its worker entry started by the literal bundlers follow' : '';
        console.log(
          `${pkg.name.padEnd(18)} page ok   (${modules} modules reached, none from node:${workers})`,
        );
      } else {
        failures++;
        console.log(`${pkg.name.padEnd(18)} page FAIL\n      ${problems.slice(0, 8).join('\n      ')}`);
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
