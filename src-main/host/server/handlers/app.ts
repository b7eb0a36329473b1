import type { appArea } from '../../../../src-common/bridge/areas/app';
import type { AreaHandlers } from '../../../../src-common/bridge';
import { builtinNames, loadWorkspace } from '../../workspace/load';
import { allParams } from '../../../engine/params';
import type { HandlerDeps } from './deps';

export function appHandlers(deps: HandlerDeps): AreaHandlers<typeof appArea> {
  return {
    'app.info': () => ({ name: 'Topology Workbench', version: deps.version, mode: deps.mode, storeFile: deps.store.file }),
    'app.builtins': () => builtinNames().map((name) => ({ name, title: loadWorkspace(`builtin:${name}`).name })),
    'app.params': () => allParams().map((p) => ({ ...p })),
  };
}
