import type { RunLostIpi } from '../../../src-common/bridge/areas/runs';
import { formatXxd } from '../../../src-common/hex/xxd';
import type { RunSummary } from '../../engine/run/build';
import type { Store, StoredSample } from '../store';

/** One chart line: simulated seconds → value. */
export interface ReportSeries {
  key: string;
  label: string;
  unit: string;
  points: [number, number][];
}

export interface ReportLockup {
  t: number;
  cpu: number;
  kind: string;
  waitingOn: string;
  task: string | null;
  /** Soft lockup / hung task: the `Call Trace:` frames, innermost first. */
  callTrace?: string[];
}

/** Everything a report shows about one run, gathered from the store (machine-readable as is). */
export interface ReportRun {
  id: number;
  workspaceName: string;
  status: string;
  error: string | null;
  seed: number;
  params: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  requestedSeconds: number | null;
  simulatedSeconds: number;
  wallSeconds: number | null;
  barriers: string | null;
  workspace: unknown;
  lostIpis: number;
  ipisSent: number;
  exits: { name: string; mmu: string | null; exits: Record<string, number>; total: number }[];
  cpus: { cpu: number; busy: number }[];
  lockups: ReportLockup[];
  log: { t: number; text: string }[];
  series: ReportSeries[];
  memories: { tile: string; kind: string; size: number; xxd: string }[];
  warnings: string[];
  traceDigest: string | null;
  /** Device figures (MHI, dma-buf, AIE counters) when the run summary carries them under `devices`. */
  deviceFigures: unknown;
  /** Status stopped-at: the until condition (or `time`) and when. */
  stoppedAt: { condition: string; t: number } | null;
  /** Every lost IPI with its episode (runLosses). */
  losses: RunLostIpi[];
}

/** Bytes of each stored AIE memory image shown as xxd in a report. */
export const MEMORY_EXCERPT_BYTES = 256;

export function loadReportRun(store: Store, id: number): ReportRun {
  const run = store.runs.get(id);
  const extras = store.history.extras(id);
  const summary = (run.summary ?? null) as RunSummary | null;
  const samples = store.history.samples(id);
  const last = samples[samples.length - 1];
  const storedLog = store.history.log(id).map((l) => ({ t: l.tNs / 1e9, text: l.text }));
  const storedLockups = store.history.lockups(id).map((l) => ({ t: l.tNs / 1e9, cpu: l.cpu, kind: l.kind, waitingOn: l.waitingOn, task: l.task, ...(l.callTrace ? { callTrace: l.callTrace } : {}) }));
  const counters = (extras.counters ?? {}) as { wallSeconds?: number; ipisSent?: number; lostIpis?: number };
  // A run without a summary (interrupted) is described by what was flushed before it stopped.
  const exits = summary
    ? summary.guests.map((g) => ({ name: g.name, mmu: g.mmu, exits: g.exits, total: sum(Object.values(g.exits)) }))
    : Object.entries(last?.exits ?? {}).map(([name, total]) => ({ name, mmu: null, exits: { all: total }, total }));
  return {
    id: run.id,
    workspaceName: run.workspaceName,
    status: run.status,
    error: run.error,
    seed: run.seed,
    params: run.params,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    requestedSeconds: extras.durationNs === null ? null : extras.durationNs / 1e9,
    simulatedSeconds: summary ? summary.simulatedSeconds : run.simulatedNs / 1e9,
    wallSeconds: summary?.wallSeconds ?? counters.wallSeconds ?? null,
    barriers: summary?.barriers ?? barriersOf(run.workspace),
    workspace: run.workspace,
    lostIpis: summary?.lostIpis ?? counters.lostIpis ?? last?.lostIpis ?? 0,
    ipisSent: summary?.ipis.sent ?? counters.ipisSent ?? last?.ipisSent ?? 0,
    exits,
    cpus: summary ? summary.cpus.map((c) => ({ cpu: c.cpu, busy: c.busy })) : [],
    lockups: storedLockups.length || !summary ? storedLockups : summary.lockups.map((l) => ({ ...l, task: l.task ?? null })),
    log: storedLog.length || !summary ? storedLog : summary.log,
    series: seriesOf(samples),
    memories: store.history.memories(id).map((m) => ({ tile: m.tile, kind: m.kind, size: m.bytes.length, xxd: formatXxd(m.bytes.subarray(0, MEMORY_EXCERPT_BYTES)) })),
    warnings: summary?.warnings ?? [],
    traceDigest: summary?.trace.digest ?? null,
    deviceFigures: (summary as { devices?: unknown } | null)?.devices ?? null,
    stoppedAt: run.stoppedAt,
    losses: runLosses(store, id, summary),
  };
}

/**
 * A run's lost IPIs with their episodes: as stored while it ran (kept by a run that ended
 * without a summary: its worker died, its process was killed), else from the summary (runs
 * recorded before migration 5).
 */
export function runLosses(store: Store, id: number, summary: RunSummary | null): RunLostIpi[] {
  const stored = store.history.losses(id);
  return stored.length || !summary ? stored.map((l) => l.loss as RunLostIpi) : (summary.losses ?? []);
}

/** Chart series from cumulative samples: busy %, IPIs/s, lost IPIs, exits/s per guest. */
export function seriesOf(samples: readonly StoredSample[]): ReportSeries[] {
  const t = (s: StoredSample) => s.tNs / 1e9;
  const rate = (pick: (s: StoredSample) => number): [number, number][] =>
    samples.slice(1).flatMap((s, i) => {
      const dt = t(s) - t(samples[i]);
      return dt > 0 ? [[t(s), (pick(s) - pick(samples[i])) / dt] as [number, number]] : [];
    });
  const guests = [...new Set(samples.flatMap((s) => Object.keys(s.exits)))];
  return [
    { key: 'busy_pct', label: 'CPU busy (mean over host CPUs)', unit: '%', points: samples.map((s) => [t(s), Math.round(s.busy * 1e4) / 100]) },
    { key: 'ipis_per_s', label: 'IPIs sent per second', unit: '/s', points: rate((s) => s.ipisSent) },
    { key: 'lost_ipis', label: 'Lost IPIs (cumulative)', unit: 'count', points: samples.map((s) => [t(s), s.lostIpis]) },
    ...guests.map((g) => ({ key: `exits_per_s.${g}`, label: `Guest ${g} exits per second`, unit: '/s', points: rate((s) => s.exits[g] ?? 0) })),
  ];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function barriersOf(ws: unknown): string | null {
  const b = (ws as { kernel?: { barriers?: { beforeSet?: boolean; afterClear?: boolean } } })?.kernel?.barriers;
  if (!b) return null;
  return b.beforeSet ? (b.afterClear ? 'both' : 'set') : b.afterClear ? 'clear' : 'none';
}
