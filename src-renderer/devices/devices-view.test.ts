/// <reference types="svelte" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BridgeClient, memoryPort } from '../../src-common/bridge';
import { openStore, type Store } from '../../src-main/host/store';
import { createBridgeHost } from '../../src-main/host/server/handlers';
import { WorkspaceStore } from '../lib/workspace-store.svelte';
import { DevicesViewState } from './devices-view.svelte';

// (Which changes start a run is the panel's $effect, checked in test/e2e/ui-devices.e2e.mjs:
// effects do not run under vitest's server build of Svelte.)
let dir: string;
let db: Store;
let client: BridgeClient;
let store: WorkspaceStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-devview-'));
  db = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store: db, version: '0.0.0', mode: 'test' })));
  store = new WorkspaceStore(client, 60_000);
});
afterEach(async () => {
  await store.flush();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DevicesViewState', () => {
  it('runs with the typed fields, and a newer request wins', async () => {
    await store.create('dev', { builtin: 'devices-demo' });
    const view = new DevicesViewState(client, store);
    const call = vi.spyOn(client, 'call');
    view.setAfter(' 3ms ');
    view.setLoopback('32M'); // per controller; devices-demo has two and the limit (64 MiB) is their sum
    const older = view.refresh();
    view.setAfter('20ms');
    const newer = view.refresh();
    expect(view.busy).toBe(true);
    await Promise.all([older, newer]);
    expect(call.mock.calls.filter(([m]) => m === 'devices.snapshot').map(([, a]) => a && 'after' in a && a.after)).toEqual(['3ms', '20ms']);
    expect(view.snapshot?.afterNs).toBe(20_000_000);
    expect(view.busy).toBe(false);
  });

  it('is not left busy when the workspace closes during a run', async () => {
    const id = await store.create('dev', { builtin: 'devices-demo' });
    const view = new DevicesViewState(client, store);
    const pending = view.refresh();
    expect(view.busy).toBe(true);
    await store.remove(id);
    expect(store.current).toBeNull();
    await view.refresh();
    await pending;
    expect(view.snapshot).toBeNull();
    expect(view.busy).toBe(false);
  });
});
