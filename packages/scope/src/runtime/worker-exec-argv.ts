/**
 * The `execArgv` to start a worker with: the caller's own when given; else `undefined`, so the
 * worker inherits this process's flags as Node does (an explicit list would be checked, and
 * V8 flags such as `--expose-gc` refused); except when this process runs with `--input-type`,
 * which a worker refuses (`ERR_INPUT_TYPE_NOT_ALLOWED`, as under `node --input-type=module -e`):
 * then this process's flags without it (Node then checks them, so a V8 flag next to
 * `--input-type` makes the worker refuse to start: pass `execArgv` yourself in that case).
 *
 * @param execArgv - flags the user asked for, if any
 * @returns the flags for `new Worker(url, { execArgv })`
 * @example
 * ```ts
 * new Worker(url, { execArgv: workerExecArgv(options.execArgv) });
 * ```
 */
export function workerExecArgv(execArgv?: readonly string[]): string[] | undefined {
  if (execArgv) return [...execArgv];
  const inherited = process.execArgv;
  if (!inherited.some((flag) => flag === '--input-type' || flag.startsWith('--input-type=')))
    return undefined;
  const flags: string[] = [];
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
