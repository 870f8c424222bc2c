import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import type { MachineInfo } from './results.js';

/** What the numbers were measured on; enough to tell two result files apart. */
export function describeMachine(): MachineInfo {
  return {
    platform: platform(),
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
  };
}
