/**
 * Time series of a run for the Charts tab: cumulative counters sampled over simulated time
 * (live updates or stored samples), turned into the rates uPlot draws. Bounded: past `max`
 * points every other one is dropped, which keeps the counters (rates stay exact between the
 * points kept).
 */
export interface SeriesPoint {
  /** Simulated seconds. */
  t: number;
  /** Mean busy fraction over host CPUs, 0..1. */
  busy: number;
  ipisSent: number;
  lostIpis: number;
  /** Exits so far per guest. */
  exits: Record<string, number>;
}

export interface ChartData {
  t: number[];
  busyPct: (number | null)[];
  ipisPerSec: (number | null)[];
  lostIpis: (number | null)[];
  /** Per guest, exits per simulated second. */
  exitsPerSec: Record<string, (number | null)[]>;
}

export class SeriesBuffer {
  private points: SeriesPoint[] = [];

  constructor(private readonly max = 2000) {}

  get length(): number {
    return this.points.length;
  }

  clear(): void {
    this.points = [];
  }

  /** Adds a point; one at the same or an earlier time than the last replaces nothing and is ignored. */
  push(p: SeriesPoint): void {
    const last = this.points[this.points.length - 1];
    if (last && p.t <= last.t) return;
    this.points.push(p);
    if (this.points.length > this.max) this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
  }

  chart(): ChartData {
    return chartOf(this.points);
  }
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** A live update's figures as a series point. */
export function pointOf(u: { simNs: number; cpus: { busy: number[] }; counters: { ipisSent: number; lostIpis: number }; guestExits: Record<string, number> }): SeriesPoint {
  return { t: u.simNs / 1e9, busy: mean(u.cpus.busy), ipisSent: u.counters.ipisSent, lostIpis: u.counters.lostIpis, exits: u.guestExits };
}

/** Rates between consecutive points; the first point has none (null: uPlot leaves a gap). */
export function chartOf(points: readonly SeriesPoint[]): ChartData {
  const guests = [...new Set(points.flatMap((p) => Object.keys(p.exits)))].sort();
  const rate = (i: number, get: (p: SeriesPoint) => number) => {
    if (i === 0) return null;
    const dt = points[i].t - points[i - 1].t;
    return dt > 0 ? Math.max(0, get(points[i]) - get(points[i - 1])) / dt : null;
  };
  return {
    t: points.map((p) => p.t),
    busyPct: points.map((p) => Math.round(p.busy * 1000) / 10),
    ipisPerSec: points.map((_, i) => rate(i, (p) => p.ipisSent)),
    lostIpis: points.map((p) => p.lostIpis),
    exitsPerSec: Object.fromEntries(guests.map((g) => [g, points.map((_, i) => rate(i, (p) => p.exits[g] ?? 0))])),
  };
}
