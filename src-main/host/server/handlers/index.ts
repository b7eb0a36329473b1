import { BridgeHost, type Handlers } from '../../../../src-common/bridge';
import { aieHandlers } from './aie';
import { appHandlers } from './app';
import type { HandlerDeps } from './deps';
import { devicesHandlers } from './devices';
import { runsHandlers } from './runs';
import { sweepsHandlers } from '../../sweep/handlers';
import { transferHandlers } from './transfer';
import { workspacesHandlers } from './workspaces';

export type { HandlerDeps } from './deps';

/** Every area's handlers joined; add an area's `xxxHandlers(deps)` here (tsc checks completeness). */
export function createHandlers(deps: HandlerDeps): Handlers {
  return { ...appHandlers(deps), ...workspacesHandlers(deps), ...aieHandlers(deps), ...runsHandlers(deps), ...devicesHandlers(deps), ...transferHandlers(deps), ...sweepsHandlers(deps) };
}

/** A BridgeHost serving the whole contract from `deps`. */
export function createBridgeHost(deps: HandlerDeps): BridgeHost {
  return new BridgeHost(createHandlers(deps));
}
