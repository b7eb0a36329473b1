import { buildRun, type BuiltRun, type RunSummary } from '../../engine/run/build';
import type { FabricFactory } from '../../engine/ipi/fabric';
import { untilCondition } from '../../engine/core';
import { CpuTimeline } from '../../engine/run/timeline';
import { parseUntil } from '../../../src-common/parse/until';
import type { RunRequest, RunSample, RunUpdate } from './protocol';

/** Wall-clock pacing of a run: chunks of simulated time, updates at most every 100 ms. */
export interface DriveHooks {
  onUpdate?(u: RunUpdate): void;
  /** Awaited between chunks: the place where pause/resume/cancel messages get handled. `flush` posts an update now (e.g. to confirm a pause). */
  between?(flush: () => void): Promise<void>;
  cancelled?(): boolean;
  paused?(): boolean;
  /** The run reached its until point with `atUntil: 'pause'`: pause it (the next `between` waits). */
  pauseAtUntil?(): void;
}

type StoppedAt = NonNullable<RunSummary['stoppedAt']>;

const UPDATE_EVERY_MS = 100;
const CHUNK_TARGET_MS = 25;
/** Samples per run on a fixed simulated-time grid (for charts; bounded whatever the wall time). */
const SAMPLES_PER_RUN = 1000;

/** The run's cumulative figures now (cheap: no integration, so sampling never perturbs the run). */
export function takeSample(run: BuiltRun): RunSample {
  const busy = run.machine.currentBusy();
  const st = run.fabric.stats();
  return {
    tNs: run.sim.now,
    busy: busy.length ? Math.round((busy.reduce((a, b) => a + b, 0) / busy.length) * 1e6) / 1e6 : 0,
    ipisSent: st.sent,
    lostIpis: st.lost,
    lockups: run.fabric.lockups().length,
    exits: run.machine.exitTotals(),
  };
}

export function liveUpdate(
  run: BuiltRun,
  req: RunRequest,
  wallSeconds: number,
  paused: boolean,
  logFrom: number,
  lockupFrom = 0,
  samples: RunSample[] = [],
  stoppedAt?: StoppedAt,
  more: { lossFrom?: number; timeline?: CpuTimeline } = {},
): RunUpdate {
  const st = run.fabric.stats();
  const states = run.cpus.snapshot().map((s) => s.kind);
  return {
    simNs: run.sim.now,
    durationNs: req.durationNs,
    wallSeconds,
    paused,
    cpus: { state: states, busy: [...run.machine.currentBusy()] },
    counters: { broadcasts: st.broadcasts, ipisSent: st.sent, lostIpis: st.lost, lockups: run.fabric.lockups().length, logLines: run.sim.log.lines.length },
    newLog: run.sim.log.lines.slice(logFrom).map((l) => ({ t: l.timeNs / 1e9, text: l.text })),
    newLockups: run.fabric.lockups().slice(lockupFrom),
    guestExits: run.machine.exitTotals(),
    samples,
    ...(more.lossFrom !== undefined ? { newLosses: run.fabric.losses().slice(more.lossFrom) } : {}),
    ...(more.timeline ? { timeline: more.timeline.take() } : {}),
    ...(stoppedAt ? { stoppedAt } : {}),
  };
}

/** Builds and runs a request to its end (or cancel / failure) and returns the summary; never throws for model failures. */
export function driveRun(req: RunRequest, hooks: DriveHooks = {}, fabric?: FabricFactory): Promise<RunSummary> {
  return driveBuiltRun(buildRun(req.workspace, { seed: req.seed, set: req.set, fabric }), req, hooks);
}

/**
 * Runs an already built request (the run worker builds first, to say whether the run can start).
 * With `req.until` it ends at the first moment the condition is met, or at the simulated time,
 * with status `stopped-at` — or, with `atUntil: 'pause'` and a `between` hook, pauses there and
 * goes on when resumed (a cancel while paused there still ends it `stopped-at`).
 */
export async function driveBuiltRun(run: BuiltRun, req: RunRequest, hooks: DriveHooks = {}): Promise<RunSummary> {
  const t0 = performance.now();
  const wall = () => (performance.now() - t0) / 1000;
  const until = req.until === undefined ? null : parseUntil(req.until);
  if (until && 'condition' in until) run.sim.stopWhen(untilCondition(until.condition));
  // A time at or past the duration is the duration.
  let timeStop = until && 'timeNs' in until && until.timeNs < req.durationNs ? until.timeNs : null;
  const pauses = req.atUntil === 'pause' && hooks.between !== undefined;
  // Set while the run is paused at its until point.
  let pausedAt: StoppedAt | null = null;
  // Start small and grow: a big model's first chunk must not keep a cancel waiting for seconds.
  let chunk = 1e6;
  let lastUpdate = -Infinity;
  let logFrom = 0;
  let lockupFrom = 0;
  let lossFrom = 0;
  // A run someone watches (or records) keeps its per-CPU timeline for replay.
  const timeline = hooks.onUpdate ? new CpuTimeline(run.sim, run.cpus, () => run.machine.currentBusy()) : undefined;
  const samples: RunSample[] = [];
  const sampleStep = Math.max(1, Math.floor(req.durationNs / SAMPLES_PER_RUN));
  const update = (force: boolean) => {
    const now = performance.now();
    if (!hooks.onUpdate || (!force && now - lastUpdate < UPDATE_EVERY_MS)) return;
    lastUpdate = now;
    hooks.onUpdate(liveUpdate(run, req, wall(), hooks.paused?.() ?? false, logFrom, lockupFrom, samples.splice(0), pausedAt ?? undefined, { lossFrom, timeline }));
    logFrom = run.sim.log.lines.length;
    lockupFrom = run.fabric.lockups().length;
    lossFrom = run.fabric.losses().length;
  };
  const halted = () => run.sim.queue.isHalted;
  /** The until point, once the run has reached it. */
  const reached = (): StoppedAt | null => {
    const met = run.sim.untilMet;
    if (met && halted() && !run.sim.stoppedBecause) return { condition: met.condition, t: met.tNs / 1e9 };
    if (timeStop !== null && run.sim.now >= timeStop) return { condition: 'time', t: timeStop / 1e9 };
    return null;
  };
  try {
    while (run.sim.now < req.durationNs) {
      if (hooks.cancelled?.()) return run.summary({ wallSeconds: wall(), status: 'cancelled' });
      const c0 = performance.now();
      const target = Math.min(req.durationNs, run.sim.now + chunk, timeStop ?? Infinity);
      if (!hooks.onUpdate) run.sim.runUntil(target);
      else
        // Stop at each point of a fixed simulated-time grid inside the chunk to sample there
        // (runUntil boundaries do not change the trace: chunks already vary with wall time).
        while (run.sim.now < target && !run.sim.stoppedBecause && !halted()) {
          run.sim.runUntil(Math.min(target, (Math.floor(run.sim.now / sampleStep) + 1) * sampleStep));
          samples.push(takeSample(run));
        }
      if (run.sim.stoppedBecause) return run.summary({ wallSeconds: wall(), status: 'failed', error: `run stopped: ${run.sim.stoppedBecause}` });
      const at = reached();
      if (at) {
        if (!pauses) {
          update(true);
          return run.summary({ wallSeconds: wall(), status: 'stopped-at', stoppedAt: at });
        }
        pausedAt = at;
        timeStop = null;
        hooks.pauseAtUntil?.();
        update(true);
        await hooks.between!(() => update(true));
        if (hooks.cancelled?.()) return run.summary({ wallSeconds: wall(), status: 'stopped-at', stoppedAt: at });
        pausedAt = null;
        run.sim.continueAfterUntil();
        continue;
      }
      const took = performance.now() - c0;
      // Keep chunks near CHUNK_TARGET_MS of wall time so pause/cancel react quickly.
      chunk = Math.max(1e6, Math.min(3600e9, took < CHUNK_TARGET_MS / 2 ? chunk * 2 : took > CHUNK_TARGET_MS * 2 ? chunk / 2 : chunk));
      update(false);
      if (hooks.between) await hooks.between(() => update(true));
    }
  } catch (e) {
    update(true);
    return run.summary({ wallSeconds: wall(), status: 'failed', error: (e as Error).message });
  }
  update(true);
  return run.summary({ wallSeconds: wall() });
}
