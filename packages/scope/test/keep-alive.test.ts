import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { settles } from './settles.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/await-alive.mjs', import.meta.url));

describe('awaiting a channel', () => {
  it('should keep the process alive until recvAsync settles', async () => {
    const { stdout } = await run(process.execPath, [script, 'recvAsync']);
    expect(stdout.trim()).toBe('received 42');
  });

  it('should keep the process alive until recvManyAsync settles', async () => {
    const { stdout } = await run(process.execPath, [script, 'recvManyAsync']);
    expect(stdout.trim()).toBe('received 42');
  });

  it('should keep the process alive through for await until the senders close', async () => {
    const { stdout } = await run(process.execPath, [script, 'iterate']);
    expect(stdout.trim()).toBe('iterated 42');
  });

  it('should fail a pending recvAsync when its receiver is closed, and let the process end', async () => {
    expect(await settles('close-pending-recv')).toEqual({
      name: 'ChannelClosedError',
      message: 'this Receiver is closed',
      open: [false, false],
    });
    expect(await settles('close-pending-iterate')).toEqual({
      name: 'ChannelClosedError',
      message: 'this Receiver is closed',
      open: false,
    });
  });

  it('should fail a pending sendAsync when its sender is closed, and let the process end', async () => {
    expect(await settles('close-pending-send')).toEqual({
      name: 'ChannelClosedError',
      message: 'this Sender is closed',
      queued: 1,
      open: false,
    });
    expect(await settles('close-pending-rendezvous')).toEqual({
      name: 'ChannelClosedError',
      message: 'this Sender is closed',
      open: [false, false],
    });
  });
});
