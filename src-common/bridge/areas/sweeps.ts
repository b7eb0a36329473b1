/**
 * Sweeps (src-renderer/sweeps, `twb sweep`): many seeds × configurations of one workspace, the
 * lockup rate per configuration with intervals, and Kaplan–Meier curves of the first soft
 * lockup. The wire types are declared here once; the CLI's `--json` is `SweepReport`.
 */

/** An estimate with its 95 % interval; all null when there is nothing to estimate from (no finished runs yet). */
export type SweepInterval = { value: number; low: number; high: number } | { value: null; low: null; high: null };

/** One configuration in `twb sweep --json` (times in simulated seconds). */
export interface SweepConfigurationReport {
  params: Record<string, string>;
  /** Finished runs (failed runs are not counted). */
  runs: number;
  /** Runs with a soft lockup within the duration. */
  lockups: number;
  /** lockups / runs with a 95 % Wilson interval. */
  pLockup: SweepInterval;
  /** Lost IPIs per simulated hour, pooled over the runs, with an exact Poisson 95 % interval. */
  lostIpisPerHour: SweepInterval;
  /** Quartiles of the first soft lockup among the runs that had one. */
  firstLockup: { median: number; q1: number; q3: number } | null;
  /** Kaplan–Meier probability of no soft lockup yet; runs without one are censored where they ended. */
  survival: { t: number; s: number }[];
  /** Stored run ids, in seed order. */
  runIds: number[];
}

/** `twb sweep --json FILE`: exactly this shape. */
export interface SweepReport {
  sweepId: number;
  workspace: string;
  /** Simulated seconds each run was asked to cover. */
  duration: number;
  configurations: SweepConfigurationReport[];
}

export type SweepStatus = 'running' | 'finished' | 'interrupted';

/** A sweep as lists show it. */
export interface SweepListItem {
  id: number;
  workspaceName: string;
  createdAt: string;
  finishedAt: string | null;
  status: SweepStatus;
  seeds: string;
  /** `KEY=V1,V2` per axis. */
  vary: string[];
  durationNs: number;
  until: string | null;
  /** Where runs were executed: 'local' or the queue URL without credentials. */
  queue: string;
  done: number;
  total: number;
}

/** One run of a sweep as the curves and tables need it. */
export interface SweepRunPoint {
  seed: number;
  runId: number | null;
  status: 'finished' | 'failed';
  /** Simulated seconds of the first soft lockup, or null. */
  firstSoftLockup: number | null;
  /** Where the run ended (duration, or earlier with --until). */
  endedAt: number;
  lostIpis: number;
  error?: string;
}

/** A configuration with everything the Sweeps tab draws: the report plus interval bands and the runs. */
export interface SweepConfigurationView extends SweepConfigurationReport {
  key: string;
  failed: number;
  /** Survival steps with Greenwood standard errors (for a band) and the number at risk. */
  steps: { t: number; s: number; se: number; atRisk: number }[];
  points: SweepRunPoint[];
}

export interface SweepView {
  sweep: SweepListItem;
  duration: number;
  configurations: SweepConfigurationView[];
}
