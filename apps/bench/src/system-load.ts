import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { LoadWindow } from './results.js';

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface CpuTimes {
  /** Seconds every CPU spent busy (user, nice, system, irq, softirq), summed over CPUs. */
  busy: number;
  /** Seconds the hypervisor ran something else while a CPU of ours wanted to run. */
  steal: number;
}

/** The machine-wide CPU times from /proc/stat; null where there is none (macOS, Windows). */
function readCpuTimes(): CpuTimes | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'latin1');
  } catch {
    return null;
  }
  const line = text.slice(0, text.indexOf('\n'));
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 8 || fields.some((f) => !Number.isFinite(f))) return null;
  const [user, nice, system, , , irq, softirq, steal] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
  };
}

/** Seconds of CPU this process has used, every thread, user and system. */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Watches how busy the machine is over a stretch of time. What other processes use is the
 * machine's busy time less our own process's, so the figure is the noise around a measurement,
 * not the measurement: a case that keeps two threads busy on a quiet machine reads ~0.
 */
export class LoadWatch {
  private readonly start = performance.now();
  private readonly loadStart = loadavg()[0]!;
  private readonly cpuStart = readCpuTimes();
  private readonly ownStart = ownCpuSeconds();

  /** Closes the window and reports on it. */
  stop(): LoadWindow {
    const ownEnd = ownCpuSeconds();
    const cpuEnd = readCpuTimes();
    const seconds = (performance.now() - this.start) / 1000;
    const loadavgEnd = loadavg()[0]!;
    if (this.cpuStart === null || cpuEnd === null || seconds <= 0) {
      return { loadavgStart: this.loadStart, loadavgEnd, othersCores: null, stealCores: null };
    }
    // Ticks are 10 ms: over a short window the rounding of the two counters can make the
    // difference slightly negative.
    const others = (cpuEnd.busy - this.cpuStart.busy - (ownEnd - this.ownStart)) / seconds;
    return {
      loadavgStart: this.loadStart,
      loadavgEnd,
      othersCores: Math.max(0, others),
      stealCores: Math.max(0, (cpuEnd.steal - this.cpuStart.steal) / seconds),
    };
  }
}

/** What the rest of the machine uses over the next `ms` (our own process included, which is idle then). */
export async function busyCoresOver(ms: number): Promise<number | null> {
  const watch = new LoadWatch();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return watch.stop().othersCores;
}

/**
 * Waits until other processes use at most `cores` over a half-second window, or until
 * `maxWaitMs` has passed; returns how long it waited. Between cases only: the runner is idle then.
 */
export async function waitForQuiet(cores: number, maxWaitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < maxWaitMs) {
    const busy = await busyCoresOver(500);
    if (busy === null || busy <= cores) break;
  }
  return performance.now() - start;
}
