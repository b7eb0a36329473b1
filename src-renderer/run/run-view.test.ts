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
  losses: [],
  timeline: { tNs: [], cpu: [], state: [], busy: [], task: [], tasks: [], truncatedAtNs: null },
  topologyKey: null,
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

describe('RunView per workspace', () => {
  it("shows a run with its own workspace only; a run elsewhere is named; dispose() stops following", () => {
    const listeners: Record<string, ((p: unknown) => void)[]> = {};
    const live = {
      on: (e: string, f: (p: unknown) => void) => {
        (listeners[e] ??= []).push(f);
        return () => (listeners[e] = listeners[e].filter((g) => g !== f));
      },
      call: async () => null,
    } as unknown as BridgeClient;
    const emit = (e: string, p: unknown) => listeners[e]?.forEach((f) => f(p));
    const store = { id: 1 as number | null, current: null, list: [{ id: 1, name: 'seed' }, { id: 2, name: 'other' }] };
    const view = new RunView(live, store as unknown as WorkspaceStore);
    const progress = { runId: 5, workspaceId: 1, state: 'running', simNs: 1e9, durationNs: 6e11, wallSeconds: 1, etaSeconds: 9, speed: null };
    emit('onRunProgress', progress);
    emit('onRunUpdate', { runId: 5, simNs: 1e9, cpus: { state: ['guest'], busy: [0.5] }, counters: { broadcasts: 0, ipisSent: 3, lostIpis: 1, lockups: 0, logLines: 1 }, newLog: [{ t: 1, text: 'x' }], newLockups: [], guestExits: {}, samples: [{ t: 0.5, busy: 0.4, ipisSent: 1, lostIpis: 0, lockups: 0, exits: {} }] });
    expect(view.progress?.runId).toBe(5);
    expect(view.log).toHaveLength(1);
    expect(view.chart.t).toEqual([0.5, 1]);
    expect(view.elsewhere).toBeNull();
    store.id = 2;
    expect(view.progress).toBeNull();
    expect(view.log).toHaveLength(0);
    expect(view.overlay).toBeNull();
    expect(view.elsewhere).toMatchObject({ name: 'seed', progress: { runId: 5 } });
    expect(view.active).toBe(true);
    expect(view.activeHere).toBe(false);
    view.dispose();
    emit('onRunProgress', { ...progress, state: 'finished' });
    store.id = 1;
    expect(view.progress?.state).toBe('running');
  });
});

// Issue 11: Stop stayed disabled until runs.start answered, which for a large workspace is
// seconds of building; now it stops the run being built.
describe('RunView stop while building', () => {
  it('Stop is enabled while the run is built, asks runs.stop for the workspace, and the refusal that follows is no error', async () => {
    const calls: [string, unknown][] = [];
    let rejectStart: (e: Error) => void = () => {};
    const building = {
      on: () => () => {},
      call: (method: string, arg?: unknown) => {
        calls.push([method, arg]);
        if (method === 'runs.start') return new Promise((_, reject) => (rejectStart = reject));
        if (method === 'runs.stop') {
          rejectStart(Object.assign(new Error('runs.start: stopped while it was being built'), { name: 'ConflictError' }));
          return Promise.resolve(null);
        }
        return Promise.resolve(null);
      },
    } as unknown as BridgeClient;
    const store = { id: 3 as number | null, current: { name: 'w' }, flush: async () => {} };
    const view = new RunView(building, store as unknown as WorkspaceStore);
    expect(view.canStop).toBe(false);
    const started = view.start();
    await new Promise((r) => setTimeout(r, 0));
    expect(view.canStop).toBe(true);
    await view.stop();
    await started;
    expect(calls.filter(([m]) => m === 'runs.stop')).toEqual([['runs.stop', { workspaceId: 3 }]]);
    expect([view.canStop, view.error]).toEqual([false, null]);
  });
});
