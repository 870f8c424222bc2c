import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { onNode } from '../../../scripts/test-runtime.js';
import { workerExecArgv } from '../src/runtime/platform-node.js';

const original = process.execArgv;
afterEach(() => {
  process.execArgv = original;
});

describe('workerExecArgv', () => {
  it('should drop the --input-type flag a worker refuses, in both spellings, and keep the rest', () => {
    process.execArgv = [
      '--input-type=module',
      '--stack-size=2000',
      '--input-type',
      'commonjs',
      '--no-warnings',
    ];
    expect(workerExecArgv()).toEqual(['--stack-size=2000', '--no-warnings']);
  });

  it('should let the worker inherit the flags when none is refused', () => {
    process.execArgv = ['--expose-gc', '--no-warnings'];
    expect(workerExecArgv()).toBeUndefined();
  });

  it("should pass the caller's own flags through untouched", () => {
    process.execArgv = ['--input-type=module'];
    expect(workerExecArgv(['--input-type=module', '--inspect'])).toEqual([
      '--input-type=module',
      '--inspect',
    ]);
  });

  it('should let a scope started from `node --input-type=module -e` run its threads', ({ skip }) => {
    skip(!onNode, "Node's command line in a child process");
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const code = `import { scope } from '${entry}'; console.log(await scope((s) => s.spawn((a) => a + 1, 41).join()));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('42');
    expect(child.status).toBe(0);
  });

  it('should let a scope started with a V8 flag such as --expose-gc run its threads', ({ skip }) => {
    skip(!onNode, "Node's command line in a child process");
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const code = `import('${entry}').then(({ scope }) => scope((s) => s.spawn(() => 7).join())).then(console.log);`;
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', code], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('7');
  });
});
