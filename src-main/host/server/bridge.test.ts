import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, ConflictError, NotFoundError, UnknownMethodError, ValidationError, memoryPort, type BridgeHost } from '../../../src-common/bridge';
import { openStore, type Store } from '../store';
import { createBridgeHost } from './handlers';

let dir: string;
let store: Store;
let host: BridgeHost;
let client: BridgeClient;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-bridge-'));
  store = openStore(path.join(dir, 'w.db'));
  host = createBridgeHost({ store, version: '0.0.0', mode: 'test' });
  client = new BridgeClient(memoryPort(host));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bridge over the in-memory transport', () => {
  it('answers app.info and lists builtins', async () => {
    expect(await client.call('app.info')).toMatchObject({ version: '0.0.0', mode: 'test' });
    expect((await client.call('app.builtins')).map((b) => b.name)).toContain('seed-power9-ipi');
    const params = await client.call('app.params');
    expect(params.length).toBeGreaterThan(5);
    for (const p of params) expect(p).toMatchObject({ key: expect.any(String), unit: expect.any(String), doc: expect.any(String), source: expect.any(String) });
  });

  it('creates, renames, duplicates, saves, deletes, remembers the last opened', async () => {
    const events: string[] = [];
    client.on('onWorkspacesChanged', (p) => events.push(p.change));
    const a = await client.call('workspaces.create', { name: 'alpha' });
    const seed = await client.call('workspaces.create', { name: 'seed', builtin: 'seed-power9-ipi' });
    expect(seed.doc.guests.map((g) => g.name)).toEqual(['A', 'B']);
    await client.call('workspaces.rename', { id: a.id, name: 'beta' });
    const copy = await client.call('workspaces.duplicate', { id: a.id });
    expect(copy.name).toBe('beta copy');
    const got = await client.call('workspaces.get', { id: a.id });
    const saved = await client.call('workspaces.save', { id: a.id, revision: got.revision, doc: { ...got.doc, params: { k: 1 } } });
    expect(saved.revision).toBe(got.revision + 1);
    await expect(client.call('workspaces.save', { id: a.id, revision: got.revision, doc: got.doc })).rejects.toBeInstanceOf(ConflictError);
    await client.call('workspaces.setLastOpened', { id: copy.id });
    expect(await client.call('workspaces.lastOpened')).toEqual({ id: copy.id });
    await client.call('workspaces.delete', { id: copy.id });
    expect(await client.call('workspaces.lastOpened')).toBeNull();
    await expect(client.call('workspaces.get', { id: copy.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await client.call('workspaces.list')).map((w) => w.name)).toEqual(['beta', 'seed']);
    expect(events).toEqual(['created', 'created', 'renamed', 'created', 'saved', 'deleted']);
  });

  it('refuses invalid requests with typed errors and keeps serving', async () => {
    const a = await client.call('workspaces.create', { name: 'alpha' });
    const bad = { ...a.doc, guests: [{ ...emptyGuest(), smp: { sockets: 1, cores: 1, threads: 0 } }] };
    await expect(client.call('workspaces.save', { id: a.id, revision: 1, doc: bad as never })).rejects.toThrow(
      /workspaces\.save\.doc\.guests\[0\]\.smp\.threads/,
    );
    await expect(client.call('workspaces.get', { id: a.id, extra: 1 } as never)).rejects.toThrow(ValidationError);
    const untyped = client as unknown as { call(m: string, a?: unknown): Promise<unknown> };
    await expect(untyped.call('nope.nothing')).rejects.toBeInstanceOf(UnknownMethodError);
    await expect(untyped.call('constructor')).rejects.toBeInstanceOf(UnknownMethodError);
    await expect(client.call('workspaces.create', { name: '   ' })).rejects.toThrow(/workspaces\.create\.name/);
    await expect(client.call('workspaces.create', { name: 'alpha' })).rejects.toBeInstanceOf(ConflictError);
    for (const raw of [null, 42, 'x', [], { id: 'x', method: 'app.info' }, { id: 1 }, { id: 1, method: 'app.info', junk: 1 }]) {
      const reply = await host.dispatch(raw);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.name).toBe('ValidationError');
    }
    expect((await client.call('workspaces.get', { id: a.id })).revision).toBe(1);
  });
});

function emptyGuest() {
  return { name: 'g', memoryBytes: 1024 ** 3, smp: { sockets: 1, cores: 1, threads: 1 }, ksm: false, thp: false, vcpupin: [], mmu: 'radix', bypassGuestPf: false };
}
