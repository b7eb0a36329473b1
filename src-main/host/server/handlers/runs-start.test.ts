import { describe, expect, it } from 'vitest';
import { BridgeClient, memoryPort } from '../../../../src-common/bridge';
import { openStore } from '../../store';
import { loadWorkspace } from '../../workspace/load';
import { createBridgeHost } from '.';
import { LiveRuns } from './live-runs';
import { RUN_BUDGET, startRun } from '../../run/runner';

/** A workspace at the vCPU limits: building its run takes seconds. */
function bigWorkspace() {
  const ws = loadWorkspace('builtin:seed-power9-ipi');
  const g = { ...ws.guests[0], vcpupin: [], smp: { sockets: 4, cores: 256, threads: 4 } };
  ws.guests = [0, 1, 2, 3].map((i) => ({ ...g, name: `big${i}` }));
  ws.workloads = [];
  return ws;
}

// Issue 11: runs.start built the run on the serving thread (every client froze; runs.stop and
// SIGTERM had no effect meanwhile).
describe('runs.start builds in the run worker', () => {
  it('other requests are answered while a run is being built (ordering, not timing)', async () => {
    const store = openStore(':memory:');
    const live = new LiveRuns(store);
    const client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0', mode: 'test', liveRuns: live })));
    const { id } = await client.call('workspaces.create', { name: 'big', doc: bigWorkspace() });
    const order: string[] = [];
    const started = client.call('runs.start', { workspaceId: id, duration: '1h', seed: 1 }).then((r) => (order.push('runs.start'), r));
    await new Promise((r) => setTimeout(r, 50));
    await client.call('app.info');
    order.push('app.info');
    const { runId } = await started;
    expect(order).toEqual(['app.info', 'runs.start']);
    await live.stopAll();
    expect([store.runs.get(runId).status, store.runs.get(runId).error]).toEqual(['cancelled', null]);
    store.close();
  }, 120_000);

  it('a run whose caller goes away while it is being built is dropped, with no row', async () => {
    const store = openStore(':memory:');
    const host = createBridgeHost({ store, version: '0', mode: 'test' });
    const { value } = (await host.dispatch({ id: 1, method: 'workspaces.create', arg: { name: 'big', doc: bigWorkspace() } })) as { value: { id: number } };
    const gone = new AbortController();
    const reply = host.dispatch({ id: 2, method: 'runs.start', arg: { workspaceId: value.id, duration: '1h', seed: 1 } }, gone.signal);
    setTimeout(() => gone.abort(), 20);
    expect(await reply).toMatchObject({ ok: false, error: { name: 'ValidationError', message: 'runs.start.workspaceId: the run was stopped before it started' } });
    expect(store.runs.list()).toEqual([]);
    store.close();
  }, 60_000);

  // Issue 11: no run id exists until the run is built, so neither runs.stop nor the toolbar's
  // Stop could end a run that was still being built.
  it('runs.stop {workspaceId} stops a run while it is being built: runs.start rejects, no row, and the next run starts', async () => {
    const store = openStore(':memory:');
    const live = new LiveRuns(store);
    const client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0', mode: 'test', liveRuns: live })));
    const { id } = await client.call('workspaces.create', { name: 'big', doc: bigWorkspace() });
    const started = client.call('runs.start', { workspaceId: id, duration: '1h', seed: 1 });
    await new Promise((r) => setTimeout(r, 50));
    // Not another workspace's run.
    await expect(client.call('runs.stop', { workspaceId: id + 1 })).rejects.toMatchObject({ name: 'NotFoundError', message: `no run of workspace ${id + 1} is being built` });
    await client.call('runs.stop', { workspaceId: id });
    await expect(started).rejects.toMatchObject({ name: 'ConflictError', message: 'runs.start: stopped while it was being built' });
    expect([store.runs.list(), await client.call('runs.active')]).toEqual([[], null]);
    const seed = await client.call('workspaces.create', { name: 'seed', builtin: 'seed-power9-ipi' });
    const { runId } = await client.call('runs.start', { workspaceId: seed.id, duration: '1h', seed: 1 });
    await live.stopAll();
    expect(store.runs.get(runId).status).toBe('cancelled');
    store.close();
  }, 120_000);

  it('a run past its build budget is a LimitError naming the budget, with no row (the workspace is not wrong)', async () => {
    const store = openStore(':memory:');
    // A budget no build meets: what a workspace at the limits meets on a slow host.
    const live = new LiveRuns(store, (req, onUpdate, opts) => startRun(req, onUpdate, { ...opts, budget: { ...RUN_BUDGET, buildMs: 1 } }));
    const client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0', mode: 'test', liveRuns: live })));
    const { id } = await client.call('workspaces.create', { name: 'seed', builtin: 'seed-power9-ipi' });
    await expect(client.call('runs.start', { workspaceId: id, duration: '1h', seed: 1 })).rejects.toMatchObject({ name: 'LimitError', message: 'runs.start: the run could not be built within its 0.001 s budget' });
    expect(store.runs.list()).toEqual([]);
    store.close();
  }, 60_000);
});
