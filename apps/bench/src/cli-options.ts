import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface CliOptions {
  quick: boolean;
  only: string[];
  /** Rounds to run instead of the budget's (every case once a round, each in a fresh process). */
  rounds: number | null;
  /** Whether the results replace the committed ones in apps/bench/results/ (and the READMEs' tables). */
  update: boolean;
  /** Run nothing: render latest.md, latest.svg and the READMEs' tables again from `resultsDir`/latest.json. */
  render: boolean;
  /** Before each case, wait up to this many seconds for the machine to be quiet; 0 to start at once. */
  waitQuietS: number;
  /** An extra copy of the JSON results, when asked for. */
  jsonPath: string | null;
  /** Where built scenario files are found: `dist/` by default, any folder of `<package>/*.js` for tests. */
  scenariosDir: string;
  /** Where `latest.json`, `latest.md` and `latest.svg` go. */
  resultsDir: string;
  help: boolean;
}

export const usage = `Usage: pnpm bench [-- options]

  --quick                 small inputs, one round, few runs: checks every case in under two minutes
  --only <id or prefix>   run only matching scenarios, e.g. --only scope/ (repeatable)
  --rounds <n>            run every case n times, each in a fresh process (default 3, quick 1)
  --update                write to apps/bench/results/ (the committed results) and refill the READMEs'
                          benchmark tables from them; only for a full run
  --wait-quiet <s>        before each case, wait up to <s> seconds for other processes to go quiet
                          (for a shared machine; the wait is reported)
  --render                run nothing: render latest.md, latest.svg and the READMEs' benchmark tables
                          again from apps/bench/results/latest.json (or --results-dir)
  --results-dir <dir>     write latest.{json,md,svg} to <dir>
  --json <path>           also write the JSON results to <path>
  --scenarios-dir <dir>   look for <package>/*.js scenario files in <dir> instead of dist/
  --help                  show this text

Without --update or --results-dir, results go to apps/bench/results/local/ (ignored by git).`;

/** `dist/` when running from the build; the bench package root is one level up. */
const distDir = fileURLToPath(new URL('.', import.meta.url));
const benchRoot = resolve(distDir, '..');
export const committedResultsDir = resolve(benchRoot, 'results');
export const localResultsDir = resolve(benchRoot, 'results', 'local');

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
      rounds: { type: 'string' },
      update: { type: 'boolean', default: false },
      render: { type: 'boolean', default: false },
      'wait-quiet': { type: 'string' },
      json: { type: 'string' },
      'scenarios-dir': { type: 'string' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick ?? false;
  const only = values.only ?? [];
  const update = values.update ?? false;
  let rounds: number | null = null;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
      throw new TypeError(`--rounds must be a whole number from 1 to 20, got '${values.rounds}'`);
  }
  let waitQuietS = 0;
  if (values['wait-quiet'] !== undefined) {
    waitQuietS = Number(values['wait-quiet']);
    if (!Number.isFinite(waitQuietS) || waitQuietS < 0 || waitQuietS > 3600)
      throw new TypeError(
        `--wait-quiet must be a number of seconds from 0 to 3600, got '${values['wait-quiet']}'`,
      );
  }
  if (update && (quick || only.length > 0)) {
    throw new TypeError(
      '--update replaces the committed results, which come from one full run: drop --quick and --only',
    );
  }
  if (update && values['results-dir'] !== undefined)
    throw new TypeError('--update and --results-dir both say where to write: give one');
  return {
    quick,
    only,
    rounds,
    update,
    render: values.render ?? false,
    waitQuietS,
    jsonPath: values.json === undefined ? null : fromUserDir(values.json),
    scenariosDir: values['scenarios-dir'] === undefined ? distDir : fromUserDir(values['scenarios-dir']),
    resultsDir:
      values['results-dir'] !== undefined
        ? fromUserDir(values['results-dir'])
        : update || values.render
          ? committedResultsDir
          : localResultsDir,
    help: values.help ?? false,
  };
}
