import type { SampleStats } from './results.js';

/** The value at quantile `q` (0..1) of sorted values, interpolating between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (position - below);
}

/** Summarises timed runs (ms per run). Throws on an empty list: a case with no runs has no stats. */
export function summarize(samples: readonly number[]): SampleStats {
  if (samples.length === 0) throw new RangeError('cannot summarize zero samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / count;
  const variance = count > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (count - 1) : 0;
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
  return {
    count,
    min: sorted[0]!,
    max: sorted[count - 1]!,
    mean,
    median,
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    stddev: Math.sqrt(variance),
    mad: quantile(deviations, 0.5),
  };
}

/** The median of unsorted values; NaN for none. */
export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
