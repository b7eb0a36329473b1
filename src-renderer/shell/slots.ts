import type { Component } from 'svelte';
import type { BridgeClient } from '../../src-common/bridge/client';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';

/** Props every pluggable panel receives (also reachable through getWorkbench()). */
export interface PanelProps {
  store: WorkspaceStore;
  bridge: BridgeClient;
  /** Ids selected on the canvas (TopologyCanvas element ids). */
  selected: string[];
  onselect?: (ids: string[]) => void;
}

// Other renderer areas plug into the frame by file convention: src-renderer/panels/NAME.svelte
// (NAME = Console, Charts, Runs, Problems, Inspector) replaces the shell's placeholder for that
// tab / the inspector. Globbing keeps the frame building while a file does not exist yet.
const found = import.meta.glob<{ default: Component<PanelProps> }>('../panels/*.svelte', { eager: true });

export function panel(name: string): Component<PanelProps> | undefined {
  return found[`../panels/${name}.svelte`]?.default;
}
