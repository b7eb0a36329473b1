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

export function scale(duration: number): Scale {
  const pw = VIEW.width - VIEW.left - VIEW.right;
  const ph = VIEW.height - VIEW.top - VIEW.bottom;
  const xMax = duration > 0 ? duration : 1;
  return {
    x: (t) => round(VIEW.left + (Math.min(Math.max(t, 0), xMax) / xMax) * pw),
    y: (s) => round(VIEW.top + ph - Math.min(Math.max(s, 0), 1) * ph),
  };
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

/** Axis ticks: five evenly spaced simulated times with short labels. */
export function timeTicks(duration: number, sc: Scale): { x: number; label: string }[] {
  return [0, 1, 2, 3, 4].map((i) => {
    const t = (duration * i) / 4;
    return { x: sc.x(t), label: timeLabel(t) };
  });
}

/** 90 → "1.5m", 7200 → "2h", 42 → "42s". */
export function timeLabel(s: number): string {
  const r = (v: number) => String(Math.round(v * 100) / 100);
  if (s >= 3600) return `${r(s / 3600)}h`;
  if (s >= 60) return `${r(s / 60)}m`;
  return `${r(s)}s`;
}

/** A configuration's label: `kernel.barriers=none watchdog.thresh_s=10`, or the workspace as is. */
export function configLabel(params: Record<string, string>): string {
  const e = Object.entries(params);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(' ') : 'workspace as is';
}
