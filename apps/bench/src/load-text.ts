import { formatCores } from './formatting.js';
import type { SuiteResult } from './results.js';

/**
 * The machine's load over a run, in two or three sentences: the load averages (which count the
 * bench's own threads), what other processes used while cases took their timed runs, and the
 * verdict, with a warning when the run was busy.
 */
export function loadSummary(suite: SuiteResult, strong = '**'): string {
  const { load } = suite;
  const averages = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  const parts = [
    `Load average (1, 5, 15 min) ${averages(load.loadavgStart)} at the start, ${averages(load.loadavgEnd)} at the end (it counts the bench's own threads).`,
  ];
  if (load.othersMean === null || load.othersMax === null) {
    parts.push(
      "What other processes used could not be measured here (no /proc/stat): judge the run's noise by the load average.",
    );
  } else {
    parts.push(
      `Other processes used ${formatCores(load.othersMean)} cores on average while cases took their timed runs, ` +
        `at most ${formatCores(load.othersMax)} (${load.othersMaxAt})` +
        (load.stealMax !== null && load.stealMax >= 0.01
          ? `; the hypervisor took up to ${formatCores(load.stealMax)}.`
          : '.'),
    );
  }
  const verdicts: Record<SuiteResult['load']['verdict'], string> = {
    quiet: 'Verdict: quiet.',
    'some load': 'Verdict: some load; ratios hold, absolute figures may be a little slow.',
    busy: `${strong}Warning: the machine was busy during this run; its figures are provisional.${strong}`,
    unknown: 'Verdict: unknown.',
  };
  parts.push(verdicts[load.verdict]);
  return parts.join(' ');
}
