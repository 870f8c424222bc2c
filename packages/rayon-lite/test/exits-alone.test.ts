import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onNode } from '../../../scripts/test-runtime.js';

const script = fileURLToPath(new URL('./fixtures/exits-alone.mjs', import.meta.url));

/**
 * How long a child may take before it counts as hung. Generous: the machine may be loaded, and a
 * case that works exits in well under a second (the slowest waits 50 ms plus the 500 ms abort
 * grace).
 */
const HANG_MS = 20_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  hung: boolean;
  stdout: string;
  stderr: string;
}

/** Runs one case of the fixture in its own process; a child still running after HANG_MS is killed. */
function runCase(name: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr });
    });
  });
}

/** Each case of fixtures/exits-alone.mjs and the line it prints (the JSON of its outcome). */
const cases: [name: string, printed: unknown][] = [
  ['unused pool', 'made'],
  ['par([1])', [1]],
  ['par(range(0, 1))', [0]],
  ['withMinLen: one piece', 4950],
  ['own pool, one piece', [1]],
  ['par([])', []],
  ['own pool, empty source', 0],
  ['own pool, many pieces', 499500],
  ['item error, one piece', 'ItemError'],
  ['item error, many pieces', 'ItemError'],
  ['result structured clone refuses', 'TypeError'],
  ['source structured clone refuses', 'TypeError'],
  ['worker crash, many pieces', 'ThreadError'],
  ['worker crash, one piece', 'ThreadError'],
  ['worker crash, then a call', ['ThreadError', [1]]],
  ['abort before the call', 'AbortError'],
  ['abort a stuck callback', 'AbortError'],
  ['join', [1, 2]],
  ['join, default pool', [1, 2]],
  ['join error', 'JoinError'],
  ['join crash', 'ThreadError'],
  ['close after a call', 'closed'],
  ['close, 40 rounds', 'closed 40 times'],
  ['close after a death, 40 rounds', 'closed 40 times'],
  ['close while a call runs, 40 rounds', ['PoolClosedError']],
];

describe('a process that used a pool and did not close it', () => {
  it.each(cases)(
    'should exit on its own after: %s',
    async (name, printed) => {
      const exit = await runCase(name);
      const report = `case ${JSON.stringify(name)}: stdout ${JSON.stringify(exit.stdout)}, stderr ${JSON.stringify(exit.stderr)}`;
      expect(exit.hung, `the child was still running after ${HANG_MS} ms (killed); ${report}`).toBe(false);
      expect({ code: exit.code, signal: exit.signal }, report).toEqual({ code: 0, signal: null });
      expect(JSON.parse(exit.stdout.trim()), report).toEqual(printed);
    },
    HANG_MS + 10_000,
  );
});

describe('a pool started from `node --input-type=module -e`', () => {
  it('should start its workers without the flag they refuse, and exit by itself', ({ skip }) => {
    skip(!onNode, "Node's command line in a child process");
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const code = `import { par, range } from '${entry}'; console.log(await par(range(0, 100)).sum());`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: HANG_MS,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('4950');
    expect(child.status).toBe(0);
  });
});
