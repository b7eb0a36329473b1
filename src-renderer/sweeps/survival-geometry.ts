/**
 * The Kaplan–Meier chart's geometry, pure: step paths, 95 % bands and run markers in a fixed
 * viewBox (the SVG scales to its box). Main computes the estimates (host/sweep/stats.ts); this
 * only places them.
 */
import type { SweepConfigurationView, SweepRunPoint } from '../../src-common/bridge/areas/sweeps';

export const VIEW = { width: 640, height: 260, left: 44, right: 12, top: 10, bottom: 30 } as const;
const Z95 = 1.959963984540054;

export interface Scale {
  x(t: number): number;
  y(s: number): number;
}

/**
 * Linear time, or logarithmic from `logFrom` seconds (a decade at or below the earliest marker) to
 * the duration: a sweep's first lockups often spread over minutes to hours of a 20 h run, which a
 * linear axis crowds against 0. Times below `logFrom` (t = 0) sit on the left edge.
 */
export function scale(duration: number, logFrom: number | null = null): Scale {
  const pw = VIEW.width - VIEW.left - VIEW.right;
  const ph = VIEW.height - VIEW.top - VIEW.bottom;
  const xMax = duration > 0 ? duration : 1;
  const frac =
    logFrom !== null && logFrom > 0 && logFrom < xMax
      ? (t: number) => Math.log(Math.min(Math.max(t, logFrom), xMax) / logFrom) / Math.log(xMax / logFrom)
      : (t: number) => Math.min(Math.max(t, 0), xMax) / xMax;
  return {
    x: (t) => round(VIEW.left + frac(t) * pw),
    y: (s) => round(VIEW.top + ph - Math.min(Math.max(s, 0), 1) * ph),
  };
}

/** The log axis' left end: the power of ten at or below the earliest marker, at most duration / 100, at least 1 ms. */
export function logStart(configs: readonly SweepConfigurationView[], duration: number): number {
  const times = configs.flatMap((c) => c.points.filter((p) => p.status === 'finished').map((p) => p.firstSoftLockup ?? p.endedAt)).filter((t) => t > 0);
  const earliest = Math.min(duration / 100, ...times);
  return Math.max(1e-3, 10 ** Math.floor(Math.log10(earliest)));
}

const round = (v: number) => Math.round(v * 10) / 10;

/** S(t) as a step path from (0, 1) to the duration (flat after the last step: runs are censored there). */
export function stepPath(c: SweepConfigurationView, sc: Scale, duration: number): string {
  if (c.steps.length === 0) return '';
  return c.steps.map((k, i) => (i === 0 ? `M${sc.x(k.t)},${sc.y(k.s)}` : `H${sc.x(k.t)}V${sc.y(k.s)}`)).join('') + `H${sc.x(duration)}`;
}

/** The pointwise 95 % band (S ± 1.96 Greenwood SE, clipped to [0, 1]) as a polygon's points. */
export function bandPoints(c: SweepConfigurationView, sc: Scale, duration: number): string {
  if (c.steps.length === 0) return '';
  const seg = (sign: 1 | -1) =>
    c.steps.flatMap((k, i) => {
      const to = c.steps[i + 1]?.t ?? duration;
      const s = k.s + sign * Z95 * k.se;
      return [`${sc.x(k.t)},${sc.y(s)}`, `${sc.x(to)},${sc.y(s)}`];
    });
  return [...seg(1), ...seg(-1).reverse()].join(' ');
}

export interface Marker {
  point: SweepRunPoint;
  x: number;
  y: number;
  /** A first soft lockup (on the curve where it steps down) or a censored run (where it ended). */
  kind: 'lockup' | 'censored';
}

/** S just after time t (the step at t included). */
export function survivalAt(c: SweepConfigurationView, t: number): number {
  let s = 1;
  for (const k of c.steps) if (k.t <= t) s = k.s;
  return s;
}

/** One marker per finished run: at its first soft lockup on the curve, or where it ended (censored). */
export function markers(c: SweepConfigurationView, sc: Scale): Marker[] {
  return c.points
    .filter((p) => p.status === 'finished')
    .map((p) => {
      const t = p.firstSoftLockup ?? p.endedAt;
      return { point: p, x: sc.x(t), y: sc.y(survivalAt(c, t)), kind: p.firstSoftLockup === null ? 'censored' : 'lockup' };
    });
}

/** Round times a log axis labels: 1 ms … 1 s by decades, then 10 s, 1m, 10m, 1h, 10h, 1d, 10d. */
const LOG_TICKS = [1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 36000, 86400, 864000];

/** Axis ticks with short labels: five evenly spaced times, or on a log axis the round times from `logFrom` to the duration. */
export function timeTicks(duration: number, sc: Scale, logFrom: number | null = null): { x: number; label: string }[] {
  const times = logFrom !== null ? [...LOG_TICKS.filter((t) => t >= logFrom && t < duration * 0.8), duration] : [0, 1, 2, 3, 4].map((i) => (duration * i) / 4);
  return times.map((t) => ({ x: sc.x(t), label: timeLabel(t) }));
}

/** 90 → "1.5m", 7200 → "2h", 42 → "42s". */
export function timeLabel(s: number): string {
  const r = (v: number) => String(Math.round(v * 100) / 100);
  if (s >= 3600) return `${r(s / 3600)}h`;
  if (s >= 60) return `${r(s / 60)}m`;
  if (s > 0 && s < 1) return `${r(s * 1000)}ms`;
  return `${r(s)}s`;
}

/** A configuration's label: `kernel.barriers=none watchdog.thresh_s=10`, or the workspace as is. */
export function configLabel(params: Record<string, string>): string {
  const e = Object.entries(params);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(' ') : 'workspace as is';
}
