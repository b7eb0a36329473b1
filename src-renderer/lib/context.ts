import { getContext, setContext } from 'svelte';
import type { BridgeClient } from '../../src-common/bridge/client';
import type { ThemeStore } from './theme.svelte';
import type { WorkspaceStore } from './workspace-store.svelte';

/** What every renderer component can reach: `const { bridge, store, theme } = getWorkbench();` */
export interface Workbench {
  bridge: BridgeClient;
  store: WorkspaceStore;
  theme: ThemeStore;
}

const KEY = Symbol('workbench');

/** Called once by App.svelte. */
export const setWorkbench = (wb: Workbench): Workbench => setContext(KEY, wb);

/** The app's bridge, workspace store and theme (inside any component under App). */
export function getWorkbench(): Workbench {
  const wb = getContext<Workbench | undefined>(KEY);
  if (!wb) throw new Error('getWorkbench() outside the app (no App.svelte above this component)');
  return wb;
}
