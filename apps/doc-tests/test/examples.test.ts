import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES, entryExports, exampleModule } from '../src/example-module.js';
import { collectExamples, type Example } from '../src/examples.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const generated = join(here, '..', 'generated');
const examples = collectExamples(root);

/** The generated file of example `k`. */
const fileOf = (k: number) => join(generated, `example-${String(k).padStart(3, '0')}.ts`);

let diagnostics: Map<string, string[]>;

beforeAll(() => {
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated, { recursive: true });
  const entries = entryExports(join(generated, 'exports.ts'));
  // The lines the module puts before the example's code (its `where` and its imports), so a
  // diagnostic names the line of the example as the reader counts it (1 is its first line).
  const headerLines = new Map<string, number>();
  examples.forEach((example, k) => {
    const text = exampleModule(example, entries, root, generated);
    writeFileSync(fileOf(k), text);
    headerLines.set(fileOf(k), text.slice(0, text.indexOf(example.code)).split('\n').length - 1);
  });
  const files = [...examples.map((_, k) => fileOf(k)), join(here, '..', 'src', 'prelude.d.ts')];
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2024.d.ts', 'lib.esnext.disposable.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    // Every Herd name resolves to the sources, so a value of the prelude and one an example makes
    // are of one class (a class with #private fields is not assignable from its built twin).
    paths: Object.fromEntries(
      ENTRIES.map((specifier) => {
        const [, pkg, sub] = /^@herd\/([^/]+)(?:\/(.+))?$/.exec(specifier)!;
        return [
          specifier,
          [join(root, 'packages', pkg!, 'src', sub === undefined ? 'index.ts' : `${sub}/index.ts`)],
        ];
      }),
    ),
  });
  diagnostics = new Map();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0 };
    const where = line + 1 - (headerLines.get(file) ?? 0);
    const text = `line ${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    diagnostics.set(file, [...(diagnostics.get(file) ?? []), text]);
  }
});

const cases = examples.map((example, k) => [example.where, example, k] as [string, Example, number]);

describe('the examples in the READMEs and the TSDoc', () => {
  it('should have found the examples', () => {
    expect(examples.filter((e) => e.pkg === null).length).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThan(100);
  });

  it.each(cases)('should compile: %s', (_where, _example, k) => {
    expect(diagnostics.get(fileOf(k)) ?? []).toEqual([]);
  });
});

describe('the README programs', () => {
  it.each(cases.filter(([, example]) => example.runs))('should run: %s', (_where, example, k) => {
    const program = fileOf(k).replace(/\.ts$/, '.mjs');
    writeFileSync(
      program,
      transformSync(example.code, { loader: 'ts', format: 'esm', target: 'node20' }).code,
    );
    const run = spawnSync(process.execPath, [program], { cwd: generated, encoding: 'utf8', timeout: 45_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
