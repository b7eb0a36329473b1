import { z } from 'zod';
import { atMost, LIMITS } from '../../parse/limits';
import { workspaceSchema } from '../../workspace';
import { area, event, method } from '../define';
import { runDurationNs } from './runs';

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

/** Progress of the app's sweep (one at a time per host): at most ~4 a second and when it ends. */
export interface SweepProgress {
  sweepId: number;
  state: 'running' | 'finished' | 'stopped' | 'failed';
  done: number;
  total: number;
  /** Runs with a soft lockup among those stored. */
  lockups: number;
  wallSeconds: number;
  /** Wall seconds left at this session's pace; null until a run is stored. */
  etaSeconds: number | null;
  error?: string;
}

/** Stop conditions a sweep may use (engine/core/until.ts). */
export const SWEEP_UNTIL = ['first-soft-lockup'] as const;

const show = (v: unknown) => (typeof v === 'string' ? `'${v.slice(0, 80)}'` : JSON.stringify(v)?.slice(0, 80));
const sweepId = z.number().int('expected an integer sweep id').positive('expected a sweep id ≥ 1');
const workspaceId = z.number().int('expected an integer workspace id').positive('expected a workspace id ≥ 1');
const spec = z.string().min(1, 'expected at least one seed, e.g. 1..100').max(LIMITS.sweepSpecChars.value, atMost('sweepSpecChars'));
const axis = z.strictObject({
  key: z.string().min(1, 'expected a parameter key').max(200, 'expected a key of at most 200 characters'),
  values: z
    .array(z.string().min(1, 'expected a value').max(400, 'expected a value of at most 400 characters'))
    .min(1, 'expected at least one value')
    .max(LIMITS.sweepValuesPerAxis.value, atMost('sweepValuesPerAxis')),
});
const duration = z
  .string()
  .refine((s) => runDurationNs(s) !== undefined, { error: (iss) => `expected a duration above 0 and at most 30d such as "20h", got ${show(iss.input)}` });

export const sweepsArea = area({
  methods: {
    /**
     * Starts a sweep of workspace `workspaceId` on the host's thread pool (`doc`: the renderer's
     * current document, else the stored one). Every key and value is checked before anything
     * runs; one sweep at a time per host (a second start is a ConflictError).
     */
    'sweeps.start': method<{ sweepId: number; total: number }>()(
      z.strictObject({
        workspaceId,
        doc: workspaceSchema.optional(),
        seeds: spec,
        vary: z.array(axis).max(LIMITS.sweepAxes.value, atMost('sweepAxes')),
        duration,
        until: z.enum(SWEEP_UNTIL, { error: (iss) => `expected one of ${SWEEP_UNTIL.join(', ')} or null, got ${show(iss.input)}` }).nullable(),
      }),
    ),
    /** Stops the running sweep: stored runs stay, `sweeps.resume` continues it. */
    'sweeps.stop': method<null>()(z.strictObject({ sweepId })),
    /** Continues a stopped or interrupted sweep (its missing runs only). */
    'sweeps.resume': method<{ sweepId: number; total: number }>()(z.strictObject({ sweepId })),
    /** The app's running sweep (a reloaded window re-attaches), or null. */
    'sweeps.active': method<SweepProgress | null>()(z.undefined()),
    /** Sweeps of a workspace (by its stored name), newest first. */
    'sweeps.list': method<SweepListItem[]>()(z.strictObject({ workspaceId })),
    /** One sweep with its per-configuration estimates, curves and runs (a run id opens with `runs.open`). */
    'sweeps.open': method<SweepView>()(z.strictObject({ sweepId })),
    /** Deletes a sweep that is not running, with the runs it stored. */
    'sweeps.delete': method<null>()(z.strictObject({ sweepId })),
  },
  events: {
    onSweepProgress: event<SweepProgress>(),
  },
});
