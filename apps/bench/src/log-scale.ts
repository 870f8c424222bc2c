/** A base-10 logarithmic axis mapping ratios to x positions, with ticks a reader can name. */
export interface LogScale {
  min: number;
  max: number;
  x(value: number): number;
  ticks: number[];
}

/** Room beyond the extreme values, as a factor, so no bar ends on the frame. */
const margin = 1.3;

/**
 * Builds an axis from `left` to `right` covering 1 and every value given. Ticks are powers of
 * ten, with 2x and 5x steps between them when the axis spans few decades.
 */
export function logScale(values: readonly number[], left: number, right: number): LogScale {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  // At least 0.5x..2x around the 1x line, so small differences do not fill the whole width.
  const min = Math.min(0.5, ...positive) / margin;
  const max = Math.max(2, ...positive) * margin;
  const logMin = Math.log10(min);
  const span = Math.log10(max) - logMin;
  const steps = span <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let decade = Math.floor(logMin); decade <= Math.ceil(Math.log10(max)); decade++) {
    for (const step of steps) {
      const tick = Number((step * 10 ** decade).toPrecision(1));
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  return {
    min,
    max,
    ticks,
    x(value: number): number {
      const clamped = Math.min(max, Math.max(min, value));
      return left + ((Math.log10(clamped) - logMin) / span) * (right - left);
    },
  };
}

/** `0.01x`, `0.5x`, `1x`, `20x`, `1000x`. */
export function tickLabel(value: number): string {
  return `${value}x`;
}
