import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scope } from '@herd/scope';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const source = new URL('./fixtures/helper-functions.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'herd-helpers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture compiled by `compiler` for `target`, as a module whose helpers sit at its top. */
async function compiled(compiler: 'esbuild' | 'tsc', target: string): Promise<Record<string, () => unknown>> {
  const text = await import('node:fs').then((fs) => fs.readFileSync(source, 'utf8'));
  const code =
    compiler === 'esbuild'
      ? transformSync(text, { loader: 'ts', target, format: 'esm', keepNames: true }).code
      : ts.transpileModule(text, {
          compilerOptions: {
            target: ts.ScriptTarget[target as keyof typeof ts.ScriptTarget],
            module: ts.ModuleKind.ESNext,
          },
        }).outputText;
  const file = join(dir, `${compiler}-${target}.mjs`);
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

const builds: [compiler: 'esbuild' | 'tsc', targets: string[]][] = [
  ['esbuild', ['es2015', 'es2017', 'es2019', 'es2021', 'node20']],
  ['tsc', ['ES2015', 'ES2017', 'ES2019', 'ES2021', 'ES2022']],
];

describe('the compiler helpers a thread provides', () => {
  for (const [compiler, targets] of builds) {
    for (const target of targets) {
      it(`should run functions compiled by ${compiler} for ${target} as they run where they were compiled`, async () => {
        const module = await compiled(compiler, target);
        const names = Object.keys(module).sort();
        expect(names).toHaveLength(7);
        const here = await Promise.all(names.map(async (name) => [name, await module[name]!()]));
        const there = await scope(async (s) => {
          const handles = names.map((name) => [name, s.spawn(module[name]!)] as const);
          return Promise.all(handles.map(async ([name, handle]) => [name, await handle.join()]));
        });
        expect(there).toEqual(here);
      });
    }
  }

  it('should keep a getter of an object spread a getter (esbuild __spreadProps)', async () => {
    const module = await compiled('esbuild', 'es2017');
    const spread = await scope((s) => s.spawn(module.objectSpread!).join());
    expect(spread).toEqual({ a: 1, b: 3, doubled: 6, keys: ['a', 'b', 'doubled'] });
  });
});
