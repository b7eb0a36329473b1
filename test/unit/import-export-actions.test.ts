/// <reference types="svelte" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, memoryPort } from '../../src-common/bridge';
import { openStore, type Store } from '../../src-main/host/store';
import { createBridgeHost } from '../../src-main/host/server/handlers';
import { importFile, importSyntheticHost } from '../../src-renderer/shell/ImportExportActions';
import { WorkspaceStore } from '../../src-renderer/lib/workspace-store.svelte';

let dir: string;
let db: Store;
let bridge: BridgeClient;
let store: WorkspaceStore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-import-actions-'));
  db = openStore(path.join(dir, 'w.db'));
  bridge = new BridgeClient(memoryPort(createBridgeHost({ store: db, version: '0.0.0', mode: 'test' })));
  store = new WorkspaceStore(bridge, 60_000);
  // Guest A's vCPU 2 is pinned to CPUs 4-7.
  await store.create('seed', { builtin: 'seed-power9-ipi' });
});
afterEach(async () => {
  await store.flush();
  store.dispose();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => {
  const text = fs.readFileSync(path.join(import.meta.dirname, '../fixtures', name), 'utf8');
  return { name, size: text.length, text: async () => text };
};

describe('a host the guests do not fit, refused through the store', () => {
  it('hwloc XML as this host names the vCPU first, the pin’s path after it, and changes nothing', async () => {
    const before = store.current;
    await expect(importFile('hwloc-host', file('lstopo-pack1-core2-pu2.xml'), { bridge, store })).rejects.toThrow(
      /^lstopo-pack1-core2-pu2\.xml: the workspace cannot take the new host: guest A, vCPU 2: CPU 7 in '4-7' is beyond the host \(CPUs 0-3\) \(guests\[0\]\.vcpupin\[2\]\.cpuset\), and \d+ more problems$/,
    );
    expect(store.current).toBe(before);
    expect(store.canUndo).toBe(false);
  });

  it('a synthetic description as this host says it the same way', async () => {
    const before = store.current;
    await expect(importSyntheticHost('pack:1 core:1 pu:2', 'host', { bridge, store })).rejects.toThrow(
      /^the workspace cannot take the new host: guest A, vCPU 0: CPU 3 in '0-3' is beyond the host \(CPUs 0-1\) \(guests\[0\]\.vcpupin\[0\]\.cpuset\), and \d+ more problems$/,
    );
    expect(store.current).toBe(before);
  });
});
