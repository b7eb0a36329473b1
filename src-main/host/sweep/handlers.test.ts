import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, ConflictError, memoryPort, ValidationError } from '../../../src-common/bridge';
import type { SweepProgress } from '../../../src-common/bridge/areas/sweeps';
import { openStore, type Store } from '../store';
import { createHandlers } from '../server/handlers';
import { BridgeHost } from '../../../src-common/bridge';
import { LocalExecutor } from './local-executor';
import { LiveSweeps } from './live';
import { sweepsHandlers } from './handlers';

let store: Store;
let client: BridgeClient;
let live: LiveSweeps;
let progress: SweepProgress[];
let wsId: number;

const until = async (pred: () => boolean, what: string) => {
  for (let i = 0; i < 3000 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
};
const last = () => progress.at(-1);

beforeEach(async () => {
  store = openStore(':memory:');
  live = new LiveSweeps(store, () => new LocalExecutor(2));
  const deps = { store, version: '0.0.0', mode: 'test' as const };
  client = new BridgeClient(memoryPort(new BridgeHost({ ...createHandlers(deps), ...sweepsHandlers(deps, live) })));
  progress = [];
  client.on('onSweepProgress', (p) => progress.push(p));
  wsId = (await client.call('workspaces.create', { name: 'Seed', builtin: 'seed-power9-ipi' })).id;
});
afterEach(async () => {
  const a = await client.call('sweeps.active');
  if (a) await client.call('sweeps.stop', { sweepId: a.sweepId });
  await live.settled();
  store.close();
});

describe('sweeps over the bridge', () => {
  it('runs a sweep off the serving thread, reports progress, and opens it with curves and runs that open', async () => {
    const { sweepId, total } = await client.call('sweeps.start', { workspaceId: wsId, seeds: '1..2', vary: [{ key: 'kernel.barriers', values: ['none', 'both'] }], duration: '2m', until: null });
    expect(total).toBe(4);
    // A second sweep waits for this one.
    await expect(client.call('sweeps.start', { workspaceId: wsId, seeds: '1', vary: [], duration: '1m', until: null })).rejects.toThrow(ConflictError);
    await until(() => last()?.state === 'finished', 'the sweep to finish');
    expect(last()).toMatchObject({ sweepId, done: 4, total: 4, lockups: 0, etaSeconds: null });
    expect(await client.call('sweeps.active')).toBeNull();
    const [item] = await client.call('sweeps.list', { workspaceId: wsId });
    expect(item).toMatchObject({ id: sweepId, workspaceName: 'Seed', status: 'finished', done: 4, total: 4, vary: ['kernel.barriers=none,both'], queue: 'local' });
    const view = await client.call('sweeps.open', { sweepId });
    expect(view.duration).toBe(120);
    expect(view.configurations.map((c) => c.key)).toEqual(['{"kernel.barriers":"none"}', '{"kernel.barriers":"both"}']);
    const c = view.configurations[1];
    expect(c).toMatchObject({ runs: 2, lockups: 0, failed: 0, pLockup: { value: 0, low: 0 }, survival: [{ t: 0, s: 1 }, { t: 120, s: 1 }] });
    expect(c.points.map((p) => p.seed)).toEqual([1, 2]);
    const opened = await client.call('runs.open', { runId: c.points[0].runId! });
    expect(opened.run).toMatchObject({ id: c.points[0].runId, seed: 1, status: 'finished', barriers: 'both', simulatedNs: 120e9, durationNs: 120e9 });
    // A run whose log and lockups were capped lists its true lockup count.
    const capped = store.db.prepare("UPDATE runs SET summary_json = json_set(summary_json, '$.truncated', json('{\"logLines\":900,\"lockups\":321}')) WHERE id = ?");
    capped.run(c.points[1].runId);
    expect((await client.call('runs.list', { workspaceId: wsId })).find((r) => r.id === c.points[1].runId)?.lockups).toBe(321);
    await client.call('sweeps.delete', { sweepId });
    expect(await client.call('sweeps.list', { workspaceId: wsId })).toEqual([]);
  });

  it('stops and resumes', async () => {
    const { sweepId } = await client.call('sweeps.start', { workspaceId: wsId, seeds: '1..4', vary: [], duration: '10m', until: null });
    await until(() => (last()?.done ?? 0) >= 1 || last()?.state !== 'running', 'a stored run');
    await client.call('sweeps.stop', { sweepId });
    await until(() => last()?.state === 'stopped', 'the sweep to stop');
    const stopped = last()!;
    expect(stopped.done).toBeLessThan(4);
    expect((await client.call('sweeps.list', { workspaceId: wsId }))[0].status).toBe('interrupted');
    await client.call('sweeps.resume', { sweepId });
    await until(() => last()?.state === 'finished', 'the resumed sweep to finish');
    expect(last()).toMatchObject({ done: 4, total: 4 });
  });

  it('refuses bad requests by field before anything is stored', async () => {
    const start = (over: object) => client.call('sweeps.start', { workspaceId: wsId, seeds: '1', vary: [], duration: '1m', until: null, ...over });
    await expect(start({ vary: [{ key: 'no.such', values: ['1'] }] })).rejects.toThrow(/sweeps.start.vary no.such=1: unknown parameter 'no.such'/);
    await expect(start({ vary: [{ key: 'kernel.barriers', values: ['none', 'maybe'] }] })).rejects.toThrow(/sweeps.start.vary kernel.barriers=maybe: kernel.barriers: expected one of none, set, clear, both/);
    await expect(start({ seeds: '9..1' })).rejects.toThrow(/sweeps.start.seeds: range "9\.\.1" ends before it starts/);
    await expect(start({ seeds: '1..20001' })).rejects.toThrow(/sweeps.start.seeds: expected at most 20000 seeds/);
    await expect(start({ until: 'first-coffee' })).rejects.toThrow(ValidationError);
    await expect(start({ duration: '31d' })).rejects.toThrow(/expected a duration above 0 and at most 30d/);
    await expect(start({ vary: Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, values: ['1'] })) })).rejects.toThrow(/at most 8 axes/);
    await expect(client.call('sweeps.open', { sweepId: 99 })).rejects.toThrow(/no sweep with id 99/);
    expect(await client.call('sweeps.list', { workspaceId: wsId })).toEqual([]);
  });
});
