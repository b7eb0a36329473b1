/**
 * Runs a stored sweep to its end: plans the runs not stored yet, hands them to an executor
 * (the local thread pool or a Redis queue), and stores each result as it arrives — at most
 * once per (configuration, seed), whoever delivers it and however often. The sweep ends
 * `finished` when every run is stored, `interrupted` (resumable) otherwise.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import type { ParamValues } from '../../engine/core';
import { applyOverrides } from '../../engine/run/build';
import { runKey, type SweepRecord, type Store } from '../store';
import { checkGrid, configurations, parseSeeds, type Configuration, type VaryAxis } from './grid';
import type { SweepJob, SweepJobOutput } from './job';

/** A sweep as asked for (CLI or app), before it is stored. */
export interface SweepRequest {
  workspaceName: string;
  workspace: Workspace;
  seeds: string;
  axes: VaryAxis[];
  set: ParamValues;
  durationNs: number;
  until: string | null;
}

/** One run to execute: its queue/job id is `${sweep uuid}-${configuration index}-${seed}`. */
export interface PlannedRun {
  id: string;
  config: Configuration;
  seed: number;
  job: SweepJob;
}

/** A result handed back by an executor. */
export interface RunDelivery {
  config: string;
  seed: number;
  output: SweepJobOutput;
  /** Who ran it, e.g. `local pid 123` or `HOST pid 456`. */
  worker: string;
}

export interface SweepExecutor {
  /** 'local' or the queue URL without credentials (stored with the sweep). */
  readonly label: string;
  /**
   * Executes `runs`, calling `deliver` for each result as it arrives (a run may be delivered
   * more than once; the store keeps the first). Resolves once `complete()` holds; rejects when
   * runs cannot be executed or `signal` aborts.
   */
  execute(sweep: SweepRecord, runs: PlannedRun[], deliver: (d: RunDelivery) => void, complete: () => boolean, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface SweepProgress {
  sweepId: number;
  done: number;
  total: number;
  /** Runs with a soft lockup among those stored. */
  lockups: number;
  /** Wall seconds since this session started, and the estimate of what is left (null until a run is stored). */
  wallSeconds: number;
  etaSeconds: number | null;
}

/** Checks everything a sweep request names (FieldErrors by field); returns how many runs it makes. */
export function checkRequest(req: SweepRequest): number {
  const seeds = parseSeeds(req.seeds);
  return checkGrid(req.workspace, req.axes, req.set, seeds.length).length * seeds.length;
}

/** Checks a request and stores it as a new sweep (status running, owned by this process). */
export function createSweep(store: Store, req: SweepRequest, executorLabel: string): SweepRecord {
  const totalRuns = checkRequest(req);
  return store.sweeps.create({
    uuid: crypto.randomUUID(),
    workspaceName: req.workspaceName,
    workspace: req.workspace,
    seeds: req.seeds,
    axes: req.axes,
    set: req.set,
    durationNs: req.durationNs,
    until: req.until,
    queue: executorLabel === 'local' ? null : executorLabel,
    totalRuns,
  });
}

/** The runs of `sweep` not stored yet, configuration by configuration, in seed order. */
export function plannedRuns(store: Store, sweep: SweepRecord): PlannedRun[] {
  const workspace = parseWorkspace(sweep.workspace);
  const done = store.sweeps.doneKeys(sweep.id);
  const seeds = parseSeeds(sweep.seeds);
  return configurations(sweep.axes).flatMap((config) => {
    const set = { ...sweep.set, ...config.params };
    return seeds
      .filter((seed) => !done.has(runKey(config.key, seed)))
      .map((seed) => ({ id: `${sweep.uuid}-${config.index}-${seed}`, config, seed, job: { workspace, set, seed, durationNs: sweep.durationNs, until: sweep.until } }));
  });
}

export const LOCAL_WORKER = `local ${os.hostname()} pid ${process.pid}`;

/**
 * Runs `sweep` (created or claimed by this process) on `executor` until every run is stored,
 * `signal` aborts (→ interrupted, resumable) or the executor fails (→ interrupted, rethrown).
 */
export async function runSweep(
  store: Store,
  sweep: SweepRecord,
  executor: SweepExecutor,
  opts: { onProgress?: (p: SweepProgress) => void; signal?: AbortSignal } = {},
): Promise<SweepRecord> {
  const signal = opts.signal ?? new AbortController().signal;
  const runs = plannedRuns(store, sweep);
  const configsByKey = new Map(configurations(sweep.axes).map((c) => [c.key, c]));
  const workspace = parseWorkspace(sweep.workspace);
  const applied = new Map<string, Workspace>();
  const t0 = performance.now();
  const startDone = sweep.totalRuns - runs.length;
  let done = startDone;
  let lockups = store.sweeps.runs(sweep.id).filter((r) => (r.result as { firstSoftLockup: number | null }).firstSoftLockup !== null).length;
  const progress = () => {
    const wallSeconds = (performance.now() - t0) / 1000;
    const now = done - startDone;
    opts.onProgress?.({ sweepId: sweep.id, done, total: sweep.totalRuns, lockups, wallSeconds, etaSeconds: now > 0 ? ((sweep.totalRuns - done) * wallSeconds) / now : null });
  };
  const deliver = (d: RunDelivery) => {
    const config = configsByKey.get(d.config);
    if (!config) return; // not this sweep's grid: nothing to store
    const set = { ...sweep.set, ...config.params };
    let ws = applied.get(config.key);
    if (!ws) applied.set(config.key, (ws = applyOverrides(workspace, set).ws));
    const runId = store.sweeps.storeRun(sweep.id, { config: d.config, seed: d.seed, result: d.output.result, workspace: ws, params: set, summary: d.output.summary, wallMs: d.output.wallMs, worker: d.worker });
    if (runId === null) {
      // Already stored (a queue's second delivery, or another session): trust the store's count.
      done = store.sweeps.get(sweep.id).done;
      return;
    }
    done++;
    if (d.output.result.firstSoftLockup !== null) lockups++;
    progress();
  };
  progress();
  try {
    if (runs.length) await executor.execute(sweep, runs, deliver, () => done >= sweep.totalRuns, signal);
  } catch (e) {
    store.sweeps.end(sweep.id, 'interrupted');
    throw e;
  }
  return store.sweeps.end(sweep.id, done >= sweep.totalRuns ? 'finished' : 'interrupted');
}
