import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface CliOptions {
  quick: boolean;
  only: string[];
  /** An extra copy of the JSON results, when asked for. */
  jsonPath: string | null;
  /** Where built scenario files are found: `dist/` by default, any folder of `<package>/*.js` for tests. */
  scenariosDir: string;
  /** Where `latest.json`, `latest.md` and `latest.svg` go. */
  resultsDir: string;
  help: boolean;
}

export const usage = `Usage: pnpm bench [-- options]

  --quick                 small inputs and few runs; the whole suite in under two minutes
  --only <id or prefix>   run only matching scenarios, e.g. --only scope/ (repeatable)
  --json <path>           also write the JSON results to <path>
  --scenarios-dir <dir>   look for <package>/*.js scenario files in <dir> instead of dist/
  --results-dir <dir>     write latest.{json,md,svg} to <dir> instead of apps/bench/results/
  --help                  show this text`;

/** `dist/` when running from the build; the bench package root is one level up. */
const distDir = fileURLToPath(new URL('.', import.meta.url));
const benchRoot = resolve(distDir, '..');

/**
 * Paths on the command line are relative to where the user typed them: pnpm runs the script in
 * apps/bench but keeps the original directory in INIT_CWD.
 */
function fromUserDir(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** Parses the runner's arguments; throws a TypeError with a readable message on a bad one. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  // `pnpm bench -- --quick` can hand the separator through; it carries no meaning here.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
      'scenarios-dir': { type: 'string' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    quick: values.quick ?? false,
    only: values.only ?? [],
    jsonPath: values.json === undefined ? null : fromUserDir(values.json),
    scenariosDir: values['scenarios-dir'] === undefined ? distDir : fromUserDir(values['scenarios-dir']),
    resultsDir:
      values['results-dir'] === undefined
        ? resolve(benchRoot, 'results')
        : fromUserDir(values['results-dir']),
    help: values.help ?? false,
  };
}
