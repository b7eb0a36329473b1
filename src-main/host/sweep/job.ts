/**
 * One run of a sweep, wherever it executes (a local pool thread or a `twb worker` on another
 * machine): build the workspace with the configuration's overrides, simulate to the duration
 * or the `--until` condition, and boil the summary down to what the statistics need. The
 * result is a pure function of the job, so the same grid gives byte-identical results
 * whichever worker ran each run.
 */
import type { Workspace } from '../../../src-common/workspace';
import { untilCondition, type ParamValues } from '../../engine/core';
import { buildRun, type RunSummary } from '../../engine/run/build';

export interface SweepJob {
  workspace: Workspace;
  /** The sweep's `--set` and this configuration's `--vary` values. */
  set: ParamValues;
  seed: number;
  durationNs: number;
  /** A stop condition name (engine/core/until.ts), or null to run the whole duration. */
  until: string | null;
}

/** What a sweep keeps of one run: deterministic (no wall time), compact, the same from every worker. */
export interface SweepRunResult {
  seed: number;
  status: 'finished' | 'failed';
  /** 'duration' or the `--until` condition that ended the run (status finished); 'failure' otherwise. */
  endedBy: string;
  error?: string;
  simulatedSeconds: number;
  lostIpis: number;
  ipisSent: number;
  broadcasts: number;
  /** Simulated seconds of the first soft-lockup report, or null if none. */
  firstSoftLockup: number | null;
  /** Lockup reports of every kind (soft lockups, RCU stalls, hung tasks). */
  lockupReports: number;
  /** The run's trace digest (same engine + workspace + seed ⇒ same digest). */
  trace: string;
}

/** Kernel-log lines and lockups kept in the stored run (the rest: `twb run --rerun RUN_ID`). */
export const STORED_LINES = 200;

/** The run as stored in the runs table: its summary with log and lockups capped. */
export type StoredSummary = RunSummary & { truncated?: { logLines: number; lockups: number } };

export interface SweepJobOutput {
  result: SweepRunResult;
  summary: StoredSummary;
  wallMs: number;
}

export function runSweepJob(job: SweepJob): SweepJobOutput {
  const t0 = performance.now();
  const run = buildRun(job.workspace, { seed: job.seed, set: job.set });
  if (job.until) run.sim.stopWhen(untilCondition(job.until));
  let failure: string | undefined;
  try {
    run.sim.runUntil(job.durationNs);
  } catch (e) {
    failure = (e as Error).message;
  }
  if (!failure && run.sim.stoppedBecause) failure = `run stopped: ${run.sim.stoppedBecause}`;
  const wallMs = performance.now() - t0;
  const full = run.summary({ wallSeconds: wallMs / 1000, ...(failure ? { status: 'failed', error: failure } : {}) });
  const soft = full.lockups.find((l) => l.kind === 'soft_lockup');
  const result: SweepRunResult = {
    seed: job.seed,
    status: failure ? 'failed' : 'finished',
    endedBy: failure ? 'failure' : (run.sim.untilMet?.condition ?? 'duration'),
    ...(failure ? { error: failure } : {}),
    simulatedSeconds: full.simulatedSeconds,
    lostIpis: full.lostIpis,
    ipisSent: full.ipis.sent,
    broadcasts: full.ipis.broadcasts,
    firstSoftLockup: soft ? soft.t : null,
    lockupReports: full.lockups.length,
    trace: full.trace.digest,
  };
  const capped = full.log.length > STORED_LINES || full.lockups.length > STORED_LINES;
  const summary: StoredSummary = {
    ...full,
    log: full.log.slice(0, STORED_LINES),
    lockups: full.lockups.slice(0, STORED_LINES),
    ...(capped ? { truncated: { logLines: full.log.length, lockups: full.lockups.length } } : {}),
  };
  return { result, summary, wallMs };
}
