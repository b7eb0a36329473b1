import type { AreaHandlers } from '../../../../src-common/bridge';
import { runDurationNs, type OpenedRun, type PastRun, type RunLockup, type runsArea } from '../../../../src-common/bridge/areas/runs';
import type { Workspace } from '../../../../src-common/workspace';
import { topologyKey } from '../../../../src-common/workspace/topology-key';
import type { ParamValues } from '../../../engine/core';
import { barriersName, type RunSummary } from '../../../engine/run/build';
import type { RunRecord, Store } from '../../store';
import type { HandlerDeps } from './deps';
import { decodeTimeline } from '../../history/timeline-codec';
import { LiveRuns } from './live-runs';
import { runReportHandler } from './run-report';
import { runLosses } from '../../report/data';

export function runsHandlers(deps: HandlerDeps, live = deps.liveRuns ?? new LiveRuns(deps.store)): AreaHandlers<typeof runsArea> {
  const { store } = deps;
  return {
    'runs.start': ({ workspaceId, doc, barriers, duration, seed, speed, until }, ctx) => {
      const record = store.workspaces.get(workspaceId);
      const workspace = doc ?? record.doc;
      const set: ParamValues = barriers ? { 'kernel.barriers': barriersName(barriers) } : {};
      // The run worker builds it first: a bad parameter is refused before any row exists.
      const field = doc ? 'runs.start.doc' : 'runs.start.workspaceId';
      return live.start({ workspaceId, workspaceName: record.name, workspace, seed, durationNs: runDurationNs(duration)!, set, speed, until }, ctx.emit, field, ctx.signal);
    },
    'runs.pause': ({ runId }) => {
      live.pause(runId);
      return null;
    },
    'runs.resume': ({ runId }) => {
      live.resume(runId);
      return null;
    },
    'runs.stop': (arg) => {
      if ('runId' in arg) live.stop(arg.runId);
      else live.stopStarting(arg.workspaceId);
      return null;
    },
    'runs.setSpeed': ({ runId, speed }) => {
      live.setSpeed(runId, speed);
      return null;
    },
    'runs.active': () => live.current(),
    'runs.list': ({ workspaceId, limit }) => {
      const name = store.workspaces.get(workspaceId).name;
      return store.runs.list({ workspaceName: name, limit: limit ?? 200 }).map((r) => pastRun(store, r));
    },
    'runs.open': ({ runId }): OpenedRun => {
      const r = store.runs.get(runId);
      const summary = r.summary as RunSummary | null;
      const stored = store.history.log(runId);
      const log = stored.length || !summary ? stored.map((l) => ({ t: l.tNs / 1e9, text: l.text })) : summary.log;
      const storedLockups = store.history.lockups(runId);
      const lockups: RunLockup[] = storedLockups.length || !summary
        ? storedLockups.map((l) => ({ t: l.tNs / 1e9, cpu: l.cpu, kind: l.kind, waitingOn: l.waitingOn, task: l.task, ...(l.callTrace ? { callTrace: l.callTrace } : {}) }))
        : summary.lockups;
      const samples = store.history.samples(runId).map(({ tNs, ...s }) => ({ t: tNs / 1e9, ...s }));
      const counters = (store.history.extras(runId).counters ?? null) as { timelineTruncatedAtNs?: number } | null;
      const timeline = { ...decodeTimeline(store.history.timeline(runId)), truncatedAtNs: counters?.timelineTruncatedAtNs ?? null };
      return { run: pastRun(store, r), log, samples, lockups, cpus: summary?.cpus ?? [], losses: runLosses(store, runId, summary), timeline, topologyKey: storedTopologyKey(r.workspace) };
    },
    'runs.report': runReportHandler(deps),
  };
}

/** The topology key of the document a run ran, null if that stored document cannot be read as one. */
function storedTopologyKey(doc: unknown): string | null {
  try {
    return topologyKey(doc as Workspace);
  } catch {
    return null;
  }
}

/** A stored run as the Runs tab lists it: figures from the summary, or the live counters while it runs. */
function pastRun(store: Store, r: RunRecord): PastRun {
  const summary = r.summary as RunSummary | null;
  const extras = store.history.extras(r.id);
  const counters = (extras.counters ?? null) as { lostIpis?: number; lockups?: number } | null;
  const kernel = (r.workspace as Partial<Workspace> | null)?.kernel;
  return {
    id: r.id,
    workspaceName: r.workspaceName,
    seed: r.seed,
    status: r.status,
    stoppedAt: r.stoppedAt,
    barriers: summary?.barriers ?? (kernel ? barriersName(kernel.barriers) : null),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    simulatedNs: r.simulatedNs,
    durationNs: extras.durationNs,
    lostIpis: summary?.lostIpis ?? counters?.lostIpis ?? null,
    // A sweep's run stores its first lockups only and their total as `truncated.lockups` (host/sweep/job.ts).
    lockups: (summary as { truncated?: { lockups: number } } | null)?.truncated?.lockups ?? summary?.lockups?.length ?? counters?.lockups ?? null,
    firstLockupT: summary?.lockups?.[0]?.t ?? null,
    error: r.error,
  };
}
