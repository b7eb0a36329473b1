/// <reference types="svelte" />
import { describe, expect, it } from 'vitest';
import type { BridgeClient } from '../../src-common/bridge/client';
import type { OpenedRun } from '../../src-common/bridge/areas/runs';
import type { WorkspaceStore } from '../lib/workspace-store.svelte';
import { RunView } from './run-view.svelte';

const stored = (id: number): OpenedRun => ({
  run: { id, workspaceName: 'w', seed: 1, status: 'finished', barriers: 'none', startedAt: '', finishedAt: null, simulatedNs: 0, durationNs: null, lostIpis: 0, lockups: 0, firstLockupT: null, error: null },
  log: [],
  samples: [],
  lockups: [],
  cpus: [],
});

/** A bridge that answers runs.open with a stored run and runs.active with none. */
const bridge = {
  on: () => () => {},
  call: async (method: string, arg?: { runId: number }) => (method === 'runs.open' ? stored(arg!.runId) : null),
} as unknown as BridgeClient;

describe('RunView.opened', () => {
  it('shows a stored run only while the workspace it was opened in is open', async () => {
    const store = { id: 1 as number | null, current: null };
    const view = new RunView(bridge, store as unknown as WorkspaceStore);
    await view.openStored(7);
    expect(view.opened?.run.id).toBe(7);
    store.id = 2;
    expect(view.opened).toBeNull();
    store.id = 1;
    expect(view.opened?.run.id).toBe(7);
    await view.openStored(null);
    expect(view.opened).toBeNull();
  });
});
