/** Human-readable numbers for the reports. All output is locale-independent so files diff cleanly. */

/** Three significant digits, no exponent for the values benches produce. */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 9));
}

/** Milliseconds per run as a plain number (the table's column says ms). */
export function formatMs(ms: number): string {
  return significant(ms);
}

/** A duration given in nanoseconds, in the unit that keeps it readable: ns, µs, ms or s. */
export function formatNanos(ns: number): string {
  if (ns < 1e3) return `${significant(ns)} ns`;
  if (ns < 1e6) return `${significant(ns / 1e3)} µs`;
  if (ns < 1e9) return `${significant(ns / 1e6)} ms`;
  return `${significant(ns / 1e9)} s`;
}

/** A rate per second with a k/M/G suffix. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e9) return `${significant(perSecond / 1e9)} G`;
  if (perSecond >= 1e6) return `${significant(perSecond / 1e6)} M`;
  if (perSecond >= 1e3) return `${significant(perSecond / 1e3)} k`;
  return significant(perSecond);
}

/** A ratio like `2.31x`, `0.456x` or `1234x`. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 1000 ? ratio.toFixed(0) : significant(ratio)}x`;
}

/** Rounds for the JSON report: enough digits to keep sub-nanosecond detail of ms values, no float noise. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A target from an issue as written: `3x`, `1.5x`, `0.8x`. */
export function formatTargetRatio(ratio: number): string {
  return `${Number(ratio.toPrecision(3))}x`;
}

/** The plural of a unit's name for column headers: record → records, batch → batches, query → queries. */
export function plural(noun: string): string {
  if (/(?:s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** Cores kept busy (CPU time over wall time), two decimals: `1.83`. */
export function formatCores(cores: number): string {
  return cores.toFixed(2);
}

/** The half-width of the interquartile range as a share of the median: `±3%`. */
export function formatSpread(p25: number, p75: number, median: number): string {
  if (!(median > 0)) return '–';
  const half = ((p75 - p25) / 2 / median) * 100;
  return `±${half < 10 ? half.toFixed(1) : half.toFixed(0)}%`;
}

/** Pads `text` to `width` characters, on the right (`'left'` alignment) or the left. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = Math.max(0, width - [...text].length);
  return align === 'left' ? text + ' '.repeat(room) : ' '.repeat(room) + text;
}
