import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/settles.mjs', import.meta.url));

/**
 * Runs a mode of fixtures/settles.mjs in a child process and returns what it printed. A mode whose
 * bug is a hang would never end: the child is killed after a generous while and this rejects.
 */
export function settles(mode: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script, mode],
      { timeout: 20_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error?.killed)
          reject(new Error(`"${mode}" did not settle: the process was still running after 20 s`));
        // Exit code 13: the process ran out of work with its top-level await still pending.
        else if (error)
          reject(new Error(`"${mode}" failed (exit code ${error.code}): ${stderr}`, { cause: error }));
        else resolve(JSON.parse(stdout.trim()));
      },
    );
  });
}
