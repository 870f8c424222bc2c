/**
 * The `execArgv` to start a worker with: the caller's own when given, else this process's
 * `execArgv` less the flags a worker refuses. Node hands a worker the parent's flags by default,
 * and `node --input-type=module -e '...'` would then make every worker fail to start
 * (`ERR_INPUT_TYPE_NOT_ALLOWED`).
 *
 * @param execArgv - flags the user asked for, if any
 * @returns the flags for `new Worker(url, { execArgv })`
 * @example
 * ```ts
 * new Worker(url, { execArgv: workerExecArgv(options.execArgv) });
 * ```
 */
export function workerExecArgv(execArgv?: readonly string[]): string[] {
  if (execArgv) return [...execArgv];
  const flags: string[] = [];
  const inherited = process.execArgv;
  for (let i = 0; i < inherited.length; i++) {
    const flag = inherited[i]!;
    if (flag.startsWith('--input-type=')) continue;
    if (flag === '--input-type') {
      i++; // its value
      continue;
    }
    flags.push(flag);
  }
  return flags;
}
