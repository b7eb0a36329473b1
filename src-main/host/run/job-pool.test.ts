import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { BridgeClient, EncodedValue, LimitError, memoryPort } from '../../../src-common/bridge';
import { ClientChannel } from '../server/client-channel';
import { openStore } from '../store';
import { loadWorkspace } from '../workspace/load';
import { createBridgeHost } from '../server/handlers';
import { JobPool } from './job-pool';
import { startRun } from './runner';

const pool = new JobPool();
afterAll(() => pool.close());

// Issue 11: heavy requests ran on the serving thread (devices.snapshot ~20 s, a big import),
// so every other client waited. They run on job threads with budgets now.
describe('job threads', () => {
  it('answer app.info while a heavy device run is in progress (ordering, not timing)', async () => {
    const store = openStore(':memory:');
    const client = new BridgeClient(memoryPort(createBridgeHost({ store, version: '0', mode: 'test', jobs: pool })));
    const order: string[] = [];
    const heavy = client.call('devices.snapshot', { document: loadWorkspace('builtin:devices-demo'), after: '1s', loopback: '8M' }).then((s) => {
      order.push('devices.snapshot');
      return s;
    });
    // Let the job reach its thread, then ask the serving thread something small.
    await new Promise((r) => setTimeout(r, 200));
    await client.call('app.info');
    order.push('app.info');
    const snap = await heavy;
    expect(order).toEqual(['app.info', 'devices.snapshot']);
    expect(snap.mhi.clients.length).toBe(2);
    store.close();
  }, 120_000);

  // Issue 11: a 17 MB AIE partition dump was serialised on the serving thread (JSON.stringify,
  // then UTF-8) — ~0.2 s at load 5 in which no other client was answered.
  it('write a partition memory dump as JSON in the job thread: browser mode sends the bytes, other callers get the value', async () => {
    const store = openStore(':memory:');
    const host = createBridgeHost({ store, version: '0', mode: 'test', jobs: pool });
    const arg = { doc: loadWorkspace('builtin:aie-demo'), partition: loadWorkspace('builtin:aie-demo').devices.aie!.partitions[0].name, mem: 'data' as const, after: '1ms' };
    // Another caller (Electron IPC, the in-memory port): the plain value.
    const plain = await new BridgeClient(memoryPort(host)).call('aie.readPartitionMemory', arg);
    expect(plain.base64.length).toBeGreaterThan(100_000);
    expect(await pool.runEncoded('aie.readPartitionMemory', arg)).toBeInstanceOf(EncodedValue);
    // A WebSocket client: the same reply, and nothing on this thread serialised the dump.
    const sent: (string | Uint8Array)[] = [];
    const socket = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, isPaused: false, pause() {}, resume() {}, close() {}, terminate() {}, send: (t: string | Uint8Array, _o: unknown, cb?: () => void) => (sent.push(t), cb?.()) });
    new ClientChannel(socket as unknown as WebSocket, host);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      socket.emit('message', Buffer.from(JSON.stringify({ id: 7, method: 'aie.readPartitionMemory', arg })), false);
      for (let i = 0; i < 600 && sent.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
      const holdsDump = (v: unknown): boolean => typeof v === 'object' && v !== null && ('base64' in v || holdsDump((v as { value?: unknown }).value));
      expect(stringify.mock.calls.filter(([v]) => holdsDump(v))).toEqual([]);
    } finally {
      stringify.mockRestore();
    }
    expect(JSON.parse(Buffer.concat(sent.map((p) => Buffer.from(p))).toString())).toEqual({ id: 7, ok: true, value: plain });
    store.close();
  }, 120_000);

  it('end a job past its wall budget with a LimitError, and keep serving', async () => {
    const tight = new JobPool({ memoryMb: 512, wallMs: 50, queue: 4 }, 1);
    try {
      await expect(tight.run('devices.snapshot', { doc: loadWorkspace('builtin:devices-demo'), afterNs: 1e9, loopbackBytes: 32 << 20 })).rejects.toThrow(
        new LimitError('devices.snapshot: stopped after its 0.05 s budget'),
      );
    } finally {
      await tight.close();
    }
    // Field errors cross the thread as themselves.
    await expect(pool.run('transfer.importSynthetic', { description: 'pack:2 core:0 pu:4' })).rejects.toThrow(/^synthetic: count in 'core:0' must be 1\.\.4096$/);
  }, 60_000);

  it('a job that the caller abandons is ended', async () => {
    const ac = new AbortController();
    const p = pool.run('devices.snapshot', { doc: loadWorkspace('builtin:devices-demo'), afterNs: 1e9, loopbackBytes: 32 << 20 }, ac.signal);
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toThrow(/cancelled/);
  }, 60_000);
});

describe('the run worker', () => {
  it('reports running out of its memory budget instead of taking the host down', async () => {
    const ws = loadWorkspace('builtin:seed-power9-ipi');
    const h = startRun({ workspace: ws, seed: 1, durationNs: 1e9 }, undefined, { budget: { memoryMb: 8, buildMs: 60_000, stopGraceMs: 1000 } });
    await expect(h.result).rejects.toThrow(/ran out of its 8 MB memory budget|run worker (failed|exited)/);
  }, 60_000);

  it('a run stopped while it is being built ends at once', async () => {
    const ws = loadWorkspace('builtin:seed-power9-ipi');
    const g = { ...ws.guests[0], vcpupin: [], smp: { sockets: 4, cores: 256, threads: 4 } };
    ws.guests = [0, 1, 2, 3].map((i) => ({ ...g, name: `big${i}` }));
    ws.workloads = [];
    const h = startRun({ workspace: ws, seed: 1, durationNs: 1e9 }, undefined, { holdUntilGo: true });
    h.cancel();
    await expect(h.ready).rejects.toThrow('the run was stopped before it started');
    await expect(h.result).rejects.toThrow('the run was stopped before it started');
  }, 60_000);
});
