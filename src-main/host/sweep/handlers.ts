/** The `sweeps` bridge area (src-common/bridge/areas/sweeps.ts), validated by the bridge host before these run. */
import type { AreaHandlers } from '../../../src-common/bridge';
import type { sweepsArea } from '../../../src-common/bridge/areas/sweeps';
import { runDurationNs } from '../../../src-common/bridge/areas/runs';
import { FieldError } from '../../../src-common/parse/field-error';
import type { HandlerDeps } from '../server/handlers/deps';
import { checkRequest, type SweepRequest } from './coordinator';
import { LiveSweeps } from './live';
import { listItem, summarizeSweep } from './summarize';

export function sweepsHandlers(deps: HandlerDeps, live = new LiveSweeps(deps.store)): AreaHandlers<typeof sweepsArea> {
  const { store } = deps;
  return {
    'sweeps.start': ({ workspaceId, doc, seeds, vary, duration, until }, ctx) => {
      const record = store.workspaces.get(workspaceId);
      const req: SweepRequest = { workspaceName: record.name, workspace: doc ?? record.doc, seeds, axes: vary, set: {}, durationNs: runDurationNs(duration)!, until };
      try {
        checkRequest(req);
      } catch (e) {
        // Name the request's field: `sweeps.start.vary kernel.barriers=x: …`, `sweeps.start.seeds: …`.
        const field = e instanceof FieldError ? e.field : doc ? 'doc' : 'workspaceId';
        throw e instanceof FieldError ? new FieldError(`sweeps.start.${field}`, e.detail, e.more) : new FieldError(`sweeps.start.${field}`, (e as Error).message);
      }
      return live.start(req, ctx.emit);
    },
    'sweeps.stop': ({ sweepId }) => {
      live.stop(sweepId);
      return null;
    },
    'sweeps.resume': ({ sweepId }, ctx) => live.resume(sweepId, ctx.emit),
    'sweeps.active': () => live.current(),
    'sweeps.list': ({ workspaceId }) => store.sweeps.list({ workspaceName: store.workspaces.get(workspaceId).name, limit: 200 }).map(listItem),
    'sweeps.open': ({ sweepId }) => summarizeSweep(store.sweeps.get(sweepId), store.sweeps.runs(sweepId)),
    'sweeps.delete': ({ sweepId }) => {
      store.sweeps.delete(sweepId);
      return null;
    },
  };
}
