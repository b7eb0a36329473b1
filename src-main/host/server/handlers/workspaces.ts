import type { workspacesArea } from '../../../../src-common/bridge/areas/workspaces';
import { NotFoundError, type AreaHandlers } from '../../../../src-common/bridge';
import { emptyWorkspace, type Workspace } from '../../../../src-common/workspace';
import { builtinNames, loadWorkspace } from '../../workspace/load';
import type { HandlerDeps } from './deps';

const LAST_OPENED = 'workspaces.lastOpened';

export function workspacesHandlers({ store }: HandlerDeps): AreaHandlers<typeof workspacesArea> {
  const ws = store.workspaces;
  return {
    'workspaces.list': () => ws.list(),
    'workspaces.get': ({ id }) => ws.get(id),
    'workspaces.create': ({ name, builtin, doc }, ctx) => {
      let base: Workspace = doc ?? emptyWorkspace(name);
      if (builtin !== undefined) {
        if (!builtinNames().includes(builtin)) throw new NotFoundError(`no built-in workspace '${builtin}' (have: ${builtinNames().join(', ')})`);
        base = loadWorkspace(`builtin:${builtin}`);
      }
      const rec = ws.create({ ...base, name });
      ctx.emit('onWorkspacesChanged', { id: rec.id, change: 'created' });
      return rec;
    },
    'workspaces.rename': ({ id, name }, ctx) => {
      const rec = ws.rename(id, name);
      ctx.emit('onWorkspacesChanged', { id, change: 'renamed' });
      return rec;
    },
    'workspaces.duplicate': ({ id, name }, ctx) => {
      const rec = ws.duplicate(id, name);
      ctx.emit('onWorkspacesChanged', { id: rec.id, change: 'created' });
      return rec;
    },
    'workspaces.delete': ({ id }, ctx) => {
      ws.delete(id);
      if (store.settings.get(LAST_OPENED) === String(id)) store.settings.set(LAST_OPENED, undefined);
      ctx.emit('onWorkspacesChanged', { id, change: 'deleted' });
      return null;
    },
    'workspaces.save': ({ id, revision, doc }, ctx) => {
      const { name, revision: saved, updatedAt } = ws.save(id, revision, doc);
      ctx.emit('onWorkspacesChanged', { id, change: 'saved' });
      return { id, name, revision: saved, updatedAt };
    },
    'workspaces.lastOpened': () => {
      const id = Number(store.settings.get(LAST_OPENED));
      return Number.isSafeInteger(id) && id > 0 && ws.find(id) ? { id } : null;
    },
    'workspaces.setLastOpened': ({ id }) => {
      if (id !== null) ws.get(id);
      store.settings.set(LAST_OPENED, id === null ? undefined : String(id));
      return null;
    },
  };
}
