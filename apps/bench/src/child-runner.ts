import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './child-protocol.js';

const childEntry = fileURLToPath(new URL('./case-process.js', import.meta.url));

/** The last lines a failed process wrote, to say why it failed. */
function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts a fresh Node process for one request and resolves with its one reply. A process that
 * exits without answering, or does not answer within `timeoutMs`, gives an error reply (it is
 * killed in the second case), so a crashed or hung case fails alone.
 */
export function runInChild(request: ChildRequest, timeoutMs: number): Promise<ChildReply> {
  return new Promise((resolve) => {
    const child = fork(childEntry, [], {
      // Every case may collect garbage between runs (and the at-scale cases time a full GC).
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    const settle = (reply: ChildReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    child.stdout?.resume();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = tail(stderr + chunk, 40);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ kind: 'error', error: `no answer within ${Math.round(timeoutMs / 1000)} s; process killed` });
    }, timeoutMs);
    child.once('message', (reply: ChildReply) => settle(reply));
    child.once('error', (error) => settle({ kind: 'error', error: `could not start: ${error.message}` }));
    // 'close', not 'exit': it comes after the IPC channel and stdio are drained, so a reply sent
    // just before exiting is never taken for a missing one.
    child.once('close', (code, signal) => {
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      const output = tail(stderr);
      settle({
        kind: 'error',
        error: `process ended (${why}) without an answer${output ? `: ${output}` : ''}`,
      });
    });
    child.send(request);
  });
}
