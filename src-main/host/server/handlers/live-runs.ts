import { ConflictError, LimitError, NotFoundError, type CallContext } from '../../../../src-common/bridge';
import { FieldError } from '../../../../src-common/parse/field-error';
import type { RunProgress, RunState, RunStoppedAt } from '../../../../src-common/bridge/areas/runs';
import type { Workspace } from '../../../../src-common/workspace';
import type { ParamValues } from '../../../engine/core';
import type { RunSummary } from '../../../engine/run/build';
import { applyOverrides } from '../../../engine/run/build';
import { RunRecorder } from '../../history/recorder';
import type { RunUpdate } from '../../run/protocol';
import { startRun, type RunHandle } from '../../run/runner';
import type { Store } from '../../store';
import { RunPace } from './run-pace';

export interface LiveRunRequest {
  workspaceId: number;
  workspaceName: string;
  workspace: Workspace;
  seed: number;
  durationNs: number;
  set: ParamValues;
  speed: number | null;
  /** Run until (src-common/parse/until.ts): the worker pauses there. */
  until?: string;
}

interface Active {
  runId: number;
  workspaceId: number;
  handle: RunHandle;
  rec: RunRecorder;
  pace: RunPace;
  durationNs: number;
  t0: number;
  simNs: number;
  userPaused: boolean;
  /** A pacing hold is in force (the worker is paused until the timer fires). */
  hold: ReturnType<typeof setTimeout> | null;
  emit: CallContext['emit'];
  /** Paused at its Run until point (until resumed). */
  stoppedAt: RunStoppedAt | null;
}

/**
 * The run the UI started: runs it in the run worker (host/run), records it as it goes
 * (host/history RunRecorder, so it is in the Runs tab while still running), forwards every
 * batched update as `onRunUpdate` + `onRunProgress`, and keeps a chosen speed by holding the
 * worker between updates. One run at a time.
 */
export class LiveRuns {
  private active: Active | null = null;
  /** A run being built (not yet recorded): runs.stop {workspaceId}, stopping the host or its caller going away ends it. */
  private starting: { handle: RunHandle; workspaceId: number; stopped: boolean } | null = null;

  constructor(
    private readonly store: Store,
    private readonly start_: typeof startRun = startRun,
    private readonly wallMs: () => number = Date.now,
  ) {}

  /**
   * Builds the run in its worker (off this thread, with a memory and a time budget) and only
   * then records and starts it: a run that cannot start leaves no row. Rejects with why the
   * run cannot start (`fieldPrefix: …`).
   */
  async start(req: LiveRunRequest, emit: CallContext['emit'], fieldPrefix: string, signal?: AbortSignal): Promise<{ runId: number; durationNs: number }> {
    if (this.active) throw new ConflictError(`run ${this.active.runId} is still running; stop it first`);
    if (this.starting) throw new ConflictError('another run is being started; wait for it');
    let a: Active | null = null;
    const handle = this.start_(
      { workspace: req.workspace, seed: req.seed, durationNs: req.durationNs, set: req.set, ...(req.until !== undefined ? { until: req.until, atUntil: 'pause' as const } : {}) },
      (u) => a && this.onUpdate(a, u),
      { holdUntilGo: true },
    );
    const starting = { handle, workspaceId: req.workspaceId, stopped: false };
    this.starting = starting;
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort);
    try {
      await handle.ready;
      // Stopped just as it became ready: it never starts.
      if (starting.stopped) throw new Error('stopped');
    } catch (e) {
      if (starting.stopped) {
        handle.cancel();
        throw new ConflictError(`${fieldPrefix.split('.').slice(0, 2).join('.')}: stopped while it was being built`);
      }
      // Past a budget the workspace is not wrong: the request was too big for this host.
      if (e instanceof LimitError) throw new LimitError(`${fieldPrefix.split('.').slice(0, 2).join('.')}: ${e.message}`);
      throw new FieldError(fieldPrefix, (e as Error).message);
    } finally {
      this.starting = null;
      signal?.removeEventListener('abort', onAbort);
    }
    const rec = RunRecorder.start(this.store, {
      workspaceName: req.workspaceName,
      workspace: applyOverrides(req.workspace, req.set).ws,
      seed: req.seed,
      params: req.set,
      durationNs: req.durationNs,
    });
    a = {
      runId: rec.runId,
      workspaceId: req.workspaceId,
      handle,
      rec,
      pace: new RunPace(req.speed),
      durationNs: req.durationNs,
      t0: this.wallMs(),
      simNs: 0,
      userPaused: false,
      hold: null,
      emit,
      stoppedAt: null,
    };
    this.active = a;
    const started = a;
    handle.result.then(
      (summary) => this.finish(started, summary),
      (e: unknown) => this.finish(started, null, (e as Error).message),
    );
    handle.go();
    emit('onRunProgress', this.progress(a, 'running'));
    return { runId: a.runId, durationNs: req.durationNs };
  }

  /** Stops whatever runs (the host is shutting down): resolves once the run is recorded as ended. */
  async stopAll(): Promise<void> {
    this.starting?.handle.cancel();
    const a = this.active;
    if (!a) return;
    this.clearHold(a);
    a.handle.cancel();
    await a.handle.result.then(
      () => {},
      () => {},
    );
    // finish() runs in the same microtask turn as result settles; let it record.
    await new Promise((r) => setImmediate(r));
  }

  pause(runId: number): void {
    const a = this.get(runId);
    if (a.userPaused) return;
    a.userPaused = true;
    a.pace.setRunning(false, this.wall(a), a.simNs);
    this.clearHold(a);
    a.handle.pause();
    a.emit('onRunProgress', this.progress(a, 'paused'));
  }

  resume(runId: number): void {
    const a = this.get(runId);
    if (!a.userPaused) return;
    a.userPaused = false;
    a.stoppedAt = null;
    a.pace.setRunning(true, this.wall(a), a.simNs);
    a.handle.resume();
    a.emit('onRunProgress', this.progress(a, 'running'));
  }

  /** Stops the workspace's run while it is being built (no run id exists yet). */
  stopStarting(workspaceId: number): void {
    const s = this.starting;
    if (!s || s.workspaceId !== workspaceId) throw new NotFoundError(`no run of workspace ${workspaceId} is being built`);
    s.stopped = true;
    s.handle.cancel();
  }

  stop(runId: number): void {
    const a = this.get(runId);
    this.clearHold(a);
    // Wakes a paused worker, and ends one that does not stop within its grace period.
    a.handle.cancel();
  }

  setSpeed(runId: number, speed: number | null): void {
    const a = this.get(runId);
    a.pace.setSpeed(speed, this.wall(a), a.simNs);
    if (a.hold && !a.userPaused) {
      this.clearHold(a);
      a.handle.resume();
    }
    a.emit('onRunProgress', this.progress(a, a.userPaused ? 'paused' : 'running'));
  }

  current(): RunProgress | null {
    const a = this.active;
    return a ? this.progress(a, a.userPaused ? 'paused' : 'running') : null;
  }

  private onUpdate(a: Active, u: RunUpdate): void {
    a.simNs = u.simNs;
    a.rec.onUpdate(u);
    a.emit('onRunUpdate', {
      runId: a.runId,
      simNs: u.simNs,
      cpus: u.cpus,
      counters: u.counters,
      newLog: u.newLog,
      newLockups: u.newLockups ?? [],
      guestExits: u.guestExits ?? {},
      samples: (u.samples ?? []).map(({ tNs, ...rest }) => ({ t: tNs / 1e9, ...rest })),
      newLosses: u.newLosses ?? [],
      timeline: u.timeline ? { tNs: u.timeline.tNs, cpu: u.timeline.cpu, state: u.timeline.state, busy: u.timeline.busy, task: u.timeline.task, tasks: u.timeline.tasks } : { tNs: [], cpu: [], state: [], busy: [], task: [], tasks: [] },
    });
    // The worker paused itself at the Run until point: the run is paused as if the user had.
    if (u.stoppedAt && !a.stoppedAt && !a.userPaused) {
      a.stoppedAt = u.stoppedAt;
      a.userPaused = true;
      a.pace.setRunning(false, this.wall(a), a.simNs);
      this.clearHold(a);
    }
    const holdFor = a.pace.holdFor(this.wall(a), u.simNs);
    if (holdFor > 0 && !a.hold && !a.userPaused && this.active === a) {
      a.handle.pause();
      a.hold = setTimeout(() => {
        a.hold = null;
        if (!a.userPaused && this.active === a) a.handle.resume();
      }, holdFor * 1000);
    }
    a.emit('onRunProgress', this.progress(a, a.userPaused ? 'paused' : 'running'));
  }

  private finish(a: Active, summary: RunSummary | null, failure?: string): void {
    this.clearHold(a);
    if (this.active === a) this.active = null;
    try {
      if (summary) a.rec.end(summary);
      else a.rec.fail(failure ?? 'the run worker stopped');
    } catch (e) {
      failure ??= `could not record the run: ${(e as Error).message}`;
    }
    if (summary) a.simNs = Math.round(summary.simulatedSeconds * 1e9);
    const state: RunState = summary ? summary.status : 'failed';
    const error = summary?.error ?? failure;
    a.emit('onRunProgress', { ...this.progress(a, state), etaSeconds: null, ...(error ? { error } : {}) });
  }

  private get(runId: number): Active {
    const a = this.active;
    if (!a || a.runId !== runId) throw new NotFoundError(`run ${runId} is not running`);
    return a;
  }

  private clearHold(a: Active): void {
    if (a.hold) clearTimeout(a.hold);
    a.hold = null;
  }

  private wall(a: Active): number {
    return (this.wallMs() - a.t0) / 1000;
  }

  private progress(a: Active, state: RunState): RunProgress {
    const wall = this.wall(a);
    return {
      ...(a.stoppedAt ? { stoppedAt: a.stoppedAt } : {}),
      runId: a.runId,
      workspaceId: a.workspaceId,
      state,
      simNs: a.simNs,
      durationNs: a.durationNs,
      wallSeconds: wall,
      etaSeconds: state === 'running' ? a.pace.eta(wall, a.simNs, a.durationNs) : null,
      speed: a.pace.speed,
    };
  }
}
