import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/await-alive.mjs', import.meta.url));

describe('awaiting a channel', () => {
  it('should keep the process alive until recvAsync settles', async () => {
    const { stdout } = await run(process.execPath, [script, 'recvAsync']);
    expect(stdout.trim()).toBe('received 42');
  });

  it('should keep the process alive through for await until the senders close', async () => {
    const { stdout } = await run(process.execPath, [script, 'iterate']);
    expect(stdout.trim()).toBe('iterated 42');
  });
});
