/**
 * Turns an example into a module TypeScript can check: the public names of Herd's packages it
 * uses are imported for it (a reader sees `bump.alloc(8)`, not the import above it), and the
 * names examples take for granted (`bump`, `herd`, `tx`, …) are declared in `prelude.d.ts`.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import type { Example } from './examples.js';

/** The public names of one entry point of a package. */
export interface EntryExports {
  specifier: string;
  names: Set<string>;
}

/** The entry points whose names examples may use without importing them. */
export const ENTRIES = ['@herd/bump', '@herd/herd', '@herd/scope', '@herd/rayon-lite', '@herd/scope/runtime'];

/**
 * The exported names (values and types) of each entry, as their built declarations say.
 *
 * @param fromFile - a file in a directory whose node_modules holds the packages
 */
export function entryExports(fromFile: string): EntryExports[] {
  const source = ENTRIES.map((specifier, i) => `import * as e${i} from '${specifier}';`).join('\n');
  const host = ts.createCompilerHost({});
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) =>
    name === fromFile ? ts.createSourceFile(name, source, language) : original(name, language);
  const program = ts.createProgram(
    [fromFile],
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
    host,
  );
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(fromFile)!;
  return ENTRIES.map((specifier, i) => {
    const declaration = file.statements[i] as ts.ImportDeclaration;
    const symbol = checker.getSymbolAtLocation(declaration.moduleSpecifier);
    if (symbol === undefined)
      throw new Error(`cannot resolve ${specifier} from ${fromFile}: build the packages first`);
    return { specifier, names: new Set(checker.getExportsOfModule(symbol).map((s) => s.getName())) };
  });
}

/** Names the example binds itself: its imports and its top-level declarations. */
function ownNames(code: string): Set<string> {
  const own = new Set<string>();
  for (const match of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (name) own.add(name);
    }
  }
  for (const match of code.matchAll(/import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from/g)) own.add(match[1]!);
  for (const match of code.matchAll(
    /\b(?:const|let|var|function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g,
  )) {
    own.add(match[1]!);
  }
  return own;
}

/** The names a source file exports, for the examples of its own doc comments. */
function sourceExports(path: string): Set<string> {
  const names = new Set<string>();
  const text = readFileSync(path, 'utf8');
  for (const match of text.matchAll(
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm,
  )) {
    names.add(match[1]!);
  }
  return names;
}

/**
 * The module text of `example`, to be written in `dir`: its code, after imports of the Herd
 * names it uses and does not bind itself, from the nearest place first: the source file it
 * documents, its own package, then the other packages.
 */
export function exampleModule(example: Example, entries: EntryExports[], root: string, dir: string): string {
  const own = ownNames(example.code);
  const used = new Set(example.code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const path = example.where.replace(/:\d+$/, '');
  // An example in a package's sources sees the names of its own file and package from the
  // sources (so internal modules' examples are checked, and types match), the others' as built.
  let home: EntryExports[] = [];
  if (path.endsWith('.ts') && example.pkg !== null) {
    const fromRoot = (file: string) => {
      const specifier = relative(dir, join(root, file)).replace(/\.ts$/, '.js');
      return specifier.startsWith('.') ? specifier : `./${specifier}`;
    };
    home = [{ specifier: fromRoot(path), names: sourceExports(join(root, path)) }];
    for (const entry of entries.filter((e) => e.specifier.startsWith(`@herd/${example.pkg}`))) {
      const index = entry.specifier.endsWith('/runtime') ? 'src/runtime/index.ts' : 'src/index.ts';
      home.push({ specifier: fromRoot(`packages/${example.pkg}/${index}`), names: entry.names });
    }
    entries = entries.filter((e) => !e.specifier.startsWith(`@herd/${example.pkg}`));
  } else if (example.pkg !== null) {
    home = entries.filter((e) => e.specifier.startsWith(`@herd/${example.pkg}`));
  }
  const taken = new Set<string>();
  const imports: string[] = [];
  for (const entry of [...home, ...entries.filter((e) => !home.includes(e))]) {
    const names = [...entry.names].filter((name) => used.has(name) && !own.has(name) && !taken.has(name));
    for (const name of names) taken.add(name);
    if (names.length > 0) imports.push(`import { ${names.sort().join(', ')} } from '${entry.specifier}';`);
  }
  return `// ${example.where}\n${imports.join('\n')}\n${example.code}\nexport {};\n`;
}
