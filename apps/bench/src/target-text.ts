import { formatNanos, formatRatio, formatTargetRatio } from './formatting.js';
import type { TargetResult } from './results.js';

/** What a target asks, in words: "`herd` within 1.15x of `SharedArrayBuffer by hand`". */
export function targetWanted(target: TargetResult, unit: string, code = '`'): string {
  const name = `${code}${target.case}${code}`;
  const vs = `${code}${target.vs}${code}`;
  const stretch = target.kind === 'stretch' ? ' (stretch)' : '';
  if (target.atMostNs !== undefined) {
    const what = target.metric === 'cpu' ? 'CPU time' : '';
    return `${name} at most ${formatNanos(target.atMostNs)}${what ? ` of ${what}` : ''} a ${unit}${stretch}`;
  }
  if (target.metric === 'cpu') {
    if (target.within !== undefined)
      return `${name} CPU time a ${unit} within ${formatTargetRatio(target.within)} of ${vs}'s${stretch}`;
    return target.ratio === 1
      ? `${name} CPU time a ${unit} no more than ${vs}'s${stretch}`
      : `${name} CPU time a ${unit} at least ${formatTargetRatio(target.ratio ?? 0)} below ${vs}'s${stretch}`;
  }
  if (target.within !== undefined)
    return `${name} within ${formatTargetRatio(target.within)} of ${vs}${stretch}`;
  return target.ratio === 1
    ? `${name} no slower than ${vs}${stretch}`
    : `${name} at least ${formatTargetRatio(target.ratio ?? 0)} faster than ${vs}${stretch}`;
}

/** The number a target's figure is shown as: a speedup, a time a unit (ns), or for `within` the times as long. */
function shown(target: TargetResult, value: number): number {
  return target.within !== undefined ? 1 / value : value;
}

function format(target: TargetResult, value: number): string {
  return target.atMostNs !== undefined ? formatNanos(value) : formatRatio(value);
}

/**
 * The figure over all rounds, with the range of the rounds when there were several: a speedup
 * (`1.23x`), a time a unit (`41.8 µs`), or for a `within` target how many times as long as the
 * other it takes (`1.39x as long`).
 */
export function targetMeasured(target: TargetResult): string {
  if (target.actual === null) return 'not measured';
  const suffix = target.within !== undefined ? ' as long' : '';
  const rounds = target.perRound.filter((v): v is number => v !== null).map((v) => shown(target, v));
  const overall = `${format(target, shown(target, target.actual))}${suffix}`;
  if (rounds.length < 2) return overall;
  return `${overall} (rounds ${format(target, Math.min(...rounds))}-${format(target, Math.max(...rounds))})`;
}

/** A target in a few words: `≥2x vs MessagePort`, `within 1.15x of SAB by hand`, `≤30 µs`, `CPU ≤ piscina`. */
export function targetShort(target: TargetResult): string {
  const cpu = target.metric === 'cpu' ? 'CPU ' : '';
  const stretch = target.kind === 'stretch' ? ' (stretch)' : '';
  if (target.atMostNs !== undefined) return `${cpu}≤${formatNanos(target.atMostNs)}${stretch}`;
  if (target.within !== undefined)
    return `${cpu}within ${formatTargetRatio(target.within)} of ${target.vs}${stretch}`;
  return `${cpu}≥${formatTargetRatio(target.ratio ?? 0)} vs ${target.vs}${stretch}`;
}

/** `met (3/3 rounds)`, `not met (1/3 rounds)`, `not measured`. */
export function targetVerdict(target: TargetResult): string {
  if (target.met === null) return 'a case failed or was skipped';
  const rounds = target.roundsJudged === 1 ? '1 round' : `${target.metRounds}/${target.roundsJudged} rounds`;
  return target.met ? `met (${rounds})` : `not met (${rounds === '1 round' ? rounds : `met in ${rounds}`})`;
}
