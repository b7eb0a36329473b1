import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, ConflictError, NotFoundError, ValidationError, memoryPort } from '../../../../src-common/bridge';
import type { RunLiveUpdate, RunProgress } from '../../../../src-common/bridge/areas/runs';
import { openStore, type Store } from '../../store';
import { createBridgeHost } from '.';
import { RunPace } from './run-pace';
import { topologyKey } from '../../../../src-common/workspace/topology-key';

let dir: string;
let store: Store;
let client: BridgeClient;
let progress: RunProgress[];
let updates: RunLiveUpdate[];
let wsId: number;

const until = async (pred: () => boolean, what: string) => {
  for (let i = 0; i < 1500 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
};
const ended = () => progress.some((p) => ['finished', 'failed', 'cancelled'].includes(p.state));

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-runs-bridge-'));
  store = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0.0.0', mode: 'test' })));
  progress = [];
  updates = [];
  client.on('onRunProgress', (p) => progress.push(p));
  client.on('onRunUpdate', (u) => updates.push(u));
  wsId = (await client.call('workspaces.create', { name: 'Seed', builtin: 'seed-power9-ipi' })).id;
});
afterEach(async () => {
  const a = await client.call('runs.active');
  if (a) {
    await client.call('runs.stop', { runId: a.runId });
    await until(ended, 'the run to stop');
  }
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('runs bridge area', () => {
  it('runs the stored workspace, pushes updates and progress, stores it, lists and opens it', async () => {
    const { runId, durationNs } = await client.call('runs.start', { workspaceId: wsId, duration: '10m', seed: 3, barriers: { beforeSet: true, afterClear: true } });
    expect(durationNs).toBe(600e9);
    await until(ended, 'the run to end');
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ runId, state: 'finished', simNs: 600e9, etaSeconds: null, speed: null });
    expect(updates.length).toBeGreaterThan(0);
    const u = updates[updates.length - 1];
    expect(u.cpus.state).toHaveLength(128);
    expect(u.cpus.busy).toHaveLength(128);
    expect(Object.keys(u.guestExits).sort()).toEqual(['A', 'B']);
    expect(await client.call('runs.active')).toBeNull();

    const list = await client.call('runs.list', { workspaceId: wsId });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: runId, workspaceName: 'Seed', seed: 3, status: 'finished', barriers: 'both', simulatedNs: 600e9, durationNs: 600e9, lostIpis: 0, lockups: 0 });
    const opened = await client.call('runs.open', { runId });
    expect(opened.run.id).toBe(runId);
    // The topology it ran on, so a workspace edited since shows it dimmed.
    expect(opened.topologyKey).toBe(topologyKey((await client.call('workspaces.get', { id: wsId })).doc));
    expect(opened.samples.length).toBeGreaterThan(0);
    expect(opened.samples[opened.samples.length - 1].t).toBe(600);
    expect(opened.cpus).toHaveLength(128);
    expect(opened.log.length).toBe(updates.reduce((n, x) => n + x.newLog.length, 0));
  });

  it('pauses, resumes and stops; a second start while one runs is a conflict', async () => {
    const { runId } = await client.call('runs.start', { workspaceId: wsId, duration: '30d', seed: 1 });
    await until(() => updates.length > 0, 'a first update');
    await expect(client.call('runs.start', { workspaceId: wsId, duration: '1h', seed: 1 })).rejects.toBeInstanceOf(ConflictError);
    await client.call('runs.pause', { runId });
    expect(progress[progress.length - 1].state).toBe('paused');
    expect((await client.call('runs.active'))?.state).toBe('paused');
    await client.call('runs.resume', { runId });
    expect(progress[progress.length - 1].state).toBe('running');
    await client.call('runs.stop', { runId });
    await until(ended, 'the run to stop');
    expect(progress[progress.length - 1].state).toBe('cancelled');
    const [row] = await client.call('runs.list', { workspaceId: wsId });
    expect(row.status).toBe('cancelled');
    await expect(client.call('runs.pause', { runId })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports the chosen speed and changes it while running (the pacing itself: RunPace below)', async () => {
    const { runId } = await client.call('runs.start', { workspaceId: wsId, duration: '10m', seed: 1, speed: 60 });
    expect(progress[0]).toMatchObject({ runId, state: 'running', speed: 60 });
    await client.call('runs.setSpeed', { runId, speed: null }).catch(() => {}); // may have ended already
    await until(ended, 'the run to end at full speed');
    expect(progress[progress.length - 1].state).toBe('finished');
    await expect(client.call('runs.setSpeed', { runId, speed: 0 })).rejects.toThrow(/runs\.setSpeed\.speed/);
  });

  it('refuses bad requests naming the field, starting nothing', async () => {
    const start = (over: Record<string, unknown>) => client.call('runs.start', { workspaceId: wsId, duration: '1h', seed: 1, ...over } as never);
    await expect(start({ duration: '0s' })).rejects.toThrow(/runs\.start\.duration: expected a duration above 0/);
    await expect(start({ duration: '31d' })).rejects.toThrow(/runs\.start\.duration/);
    await expect(start({ duration: 'soon' })).rejects.toThrow(/runs\.start\.duration/);
    await expect(start({ seed: -1 })).rejects.toThrow(/runs\.start\.seed: expected a seed ≥ 0/);
    await expect(start({ seed: 1.5 })).rejects.toThrow(/runs\.start\.seed/);
    await expect(start({ speed: 0 })).rejects.toThrow(/runs\.start\.speed/);
    await expect(start({ barriers: { beforeSet: true } })).rejects.toThrow(/runs\.start\.barriers\.afterClear/);
    await expect(start({ extra: 1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(start({ workspaceId: 999 })).rejects.toBeInstanceOf(NotFoundError);
    const doc = (await client.call('workspaces.get', { id: wsId })).doc;
    await expect(start({ doc: { ...doc, params: { 'no.such': 1 } } })).rejects.toThrow(/runs\.start\.doc: .*no\.such/);
    await expect(client.call('runs.open', { runId: 42 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.call('runs.list', { workspaceId: 0 })).rejects.toThrow(/runs\.list\.workspaceId/);
    expect(await client.call('runs.list', { workspaceId: wsId })).toEqual([]);
    expect(progress).toEqual([]);
  });
});

describe('RunPace', () => {
  it('holds a run that got ahead of its speed, and estimates the time left', () => {
    const p = new RunPace(10);
    expect(p.holdFor(0, 0)).toBe(0);
    // 10 simulated s per s: after 1 s of wall, 30 s simulated is 2 s ahead.
    expect(p.holdFor(1, 30e9)).toBeCloseTo(2);
    expect(p.eta(1, 30e9, 130e9)).toBeCloseTo(10);
    const free = new RunPace(null);
    free.tick(0);
    expect(free.holdFor(2, 1000e9)).toBe(0);
    expect(free.eta(2, 1000e9, 2000e9)).toBeCloseTo(2);
  });

  it('does not count user pauses, and rebases on resume and speed changes', () => {
    const p = new RunPace(1);
    p.tick(0);
    p.setRunning(false, 1, 1e9);
    expect(p.eta(5, 1e9, 10e9)).toBeNull();
    p.setRunning(true, 100, 1e9);
    expect(p.holdFor(101, 2e9)).toBe(0);
    p.setSpeed(null, 101, 2e9);
    expect(p.holdFor(101.5, 500e9)).toBe(0);
    expect(p.eta(102, 10e9, 10e9)).toBe(0);
  });
});
