/**
 * A sweep's stored runs → per-configuration estimates: P(lockup) with its Wilson interval, the
 * pooled lost-IPI rate with its exact Poisson interval, first-lockup quartiles and the
 * Kaplan–Meier curve of "no soft lockup yet". Pure: the same rows give the same report.
 */
import type { SweepConfigurationView, SweepInterval, SweepListItem, SweepReport, SweepRunPoint, SweepView } from '../../../src-common/bridge/areas/sweeps';
import type { SweepRecord, SweepRunRow } from '../store';
import { configurations } from './grid';
import type { SweepRunResult } from './job';
import { kaplanMeier, poissonRate, quartiles, wilson } from './stats';

const HOUR_S = 3600;

export function listItem(s: SweepRecord): SweepListItem {
  return {
    id: s.id,
    workspaceName: s.workspaceName,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt,
    status: s.status,
    seeds: s.seeds,
    vary: s.axes.map((a) => `${a.key}=${a.values.join(',')}`),
    durationNs: s.durationNs,
    until: s.until,
    queue: s.queue ?? 'local',
    done: s.done,
    total: s.totalRuns,
  };
}

function point(row: SweepRunRow): SweepRunPoint {
  const r = row.result as SweepRunResult;
  return {
    seed: r.seed,
    runId: row.runId,
    status: r.status,
    firstSoftLockup: r.firstSoftLockup,
    endedAt: r.simulatedSeconds,
    lostIpis: r.lostIpis,
    ...(r.error ? { error: r.error } : {}),
  };
}

const NOTHING: SweepInterval = { value: null, low: null, high: null };

/** The estimates of one configuration from its runs (finished ones count; failed are listed). */
export function summarizeConfiguration(params: Record<string, string>, key: string, rows: SweepRunRow[]): SweepConfigurationView {
  const points = rows.map(point).sort((a, b) => a.seed - b.seed);
  const finished = points.filter((p) => p.status === 'finished');
  const withLockup = finished.filter((p) => p.firstSoftLockup !== null);
  const hours = finished.reduce((h, p) => h + p.endedAt / HOUR_S, 0);
  const lost = finished.reduce((n, p) => n + p.lostIpis, 0);
  const km = kaplanMeier(finished.map((p) => ({ t: p.firstSoftLockup ?? p.endedAt, event: p.firstSoftLockup !== null })));
  return {
    key,
    params,
    runs: finished.length,
    lockups: withLockup.length,
    pLockup: finished.length ? wilson(withLockup.length, finished.length) : NOTHING,
    lostIpisPerHour: hours > 0 ? poissonRate(lost, hours) : NOTHING,
    firstLockup: quartiles(withLockup.map((p) => p.firstSoftLockup!)),
    survival: km.map((k) => ({ t: k.t, s: k.s })),
    runIds: points.flatMap((p) => (p.runId === null ? [] : [p.runId])),
    failed: points.length - finished.length,
    steps: km.map((k) => ({ t: k.t, s: k.s, se: k.se, atRisk: k.atRisk })),
    points,
  };
}

/** Every configuration of the sweep's grid, in grid order (those without runs yet included). */
export function summarizeSweep(sweep: SweepRecord, rows: SweepRunRow[]): SweepView {
  const byConfig = new Map<string, SweepRunRow[]>();
  for (const r of rows) byConfig.set(r.config, [...(byConfig.get(r.config) ?? []), r]);
  return {
    sweep: listItem(sweep),
    duration: sweep.durationNs / 1e9,
    configurations: configurations(sweep.axes).map((c) => summarizeConfiguration(c.params, c.key, byConfig.get(c.key) ?? [])),
  };
}

/** `twb sweep --json`: the shape, nothing more. */
export function sweepReport(view: SweepView): SweepReport {
  return {
    sweepId: view.sweep.id,
    workspace: view.sweep.workspaceName,
    duration: view.duration,
    configurations: view.configurations.map((c) => ({
      params: c.params,
      runs: c.runs,
      lockups: c.lockups,
      pLockup: c.pLockup,
      lostIpisPerHour: c.lostIpisPerHour,
      firstLockup: c.firstLockup,
      survival: c.survival,
      runIds: c.runIds,
    })),
  };
}
