/// <reference types="svelte" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeClient, memoryPort } from '../../src-common/bridge';
import { openStore, type Store } from '../../src-main/host/store';
import { createBridgeHost } from '../../src-main/host/server/handlers';
import { WorkspaceStore } from '../../src-renderer/lib/workspace-store.svelte';

let dir: string;
let db: Store;
let client: BridgeClient;
let store: WorkspaceStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-wsstore-'));
  db = openStore(path.join(dir, 'w.db'));
  client = new BridgeClient(memoryPort(createBridgeHost({ store: db, version: '0.0.0', mode: 'test' })));
  // A long autosave delay: the tests decide when to save (flush), so nothing races them.
  store = new WorkspaceStore(client, 60_000);
});
afterEach(async () => {
  await store.flush();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const stored = async (id: number) => (await client.call('workspaces.get', { id })).doc;

describe('WorkspaceStore', () => {
  it('creates and opens a workspace, and start() reopens the last one opened', async () => {
    const a = await store.create('first');
    await store.create('second');
    await store.open(a);
    const again = new WorkspaceStore(client, 60_000);
    await again.start();
    expect(again.id).toBe(a);
    expect(again.name).toBe('first');
    expect(again.list.map((w) => w.name).sort()).toEqual(['first', 'second']);
  });

  it('applies a valid edit, saves it on flush, and undoes/redoes it', async () => {
    const id = await store.create('edit me', { builtin: 'seed-power9-ipi' });
    store.apply((d) => {
      d.host.name = 'renamed-host';
    });
    expect(store.current!.host.name).toBe('renamed-host');
    expect(store.saveState).toBe('pending');
    expect(store.canUndo).toBe(true);
    await store.flush();
    expect(store.saveState).toBe('saved');
    expect((await stored(id)).host.name).toBe('renamed-host');

    store.undo();
    expect(store.current!.host.name).not.toBe('renamed-host');
    expect(store.canRedo).toBe(true);
    store.redo();
    expect(store.current!.host.name).toBe('renamed-host');
    expect(store.canRedo).toBe(false);
  });

  it('refuses an invalid edit with the field named, and changes nothing', async () => {
    const id = await store.create('strict', { builtin: 'seed-power9-ipi' });
    const doc = store.current;
    expect(() =>
      store.apply((d) => {
        d.guests[1]!.smp.threads = 0;
      }),
    ).toThrow(/guests\[1\]\.smp\.threads/);
    expect(store.current).toBe(doc);
    expect(store.error).toMatch(/guests\[1\]\.smp\.threads/);
    expect(store.canUndo).toBe(false);
    expect(store.saveState).toBe('saved');
    await store.flush();
    expect(await stored(id)).toEqual(doc);
  });

  it('a refused edit names the thing as the user sees it first, the field after it (thrown and in store.error)', async () => {
    await store.create('worded', { builtin: 'seed-power9-ipi' });
    const said = /^guest B: expected 1\.\.\d+, got 0 \(guests\[1\]\.smp\.threads\)$/;
    expect(() =>
      store.apply((d) => {
        d.guests[1]!.smp.threads = 0;
      }),
    ).toThrow(said);
    expect(store.error).toMatch(said);
  });

  it('a new edit clears the redo stack; the open document is frozen', async () => {
    await store.create('frozen');
    store.apply((d) => {
      d.name = 'one';
    });
    store.apply((d) => {
      d.name = 'two';
    });
    store.undo();
    store.apply((d) => {
      d.name = 'three';
    });
    expect(store.canRedo).toBe(false);
    expect(Object.isFrozen(store.current)).toBe(true);
    store.undo();
    expect(store.name).toBe('one');
  });

  it('renaming the open workspace saves pending edits first and starts a fresh history', async () => {
    const id = await store.create('old', { builtin: 'seed-power9-ipi' });
    store.apply((d) => {
      d.host.name = 'edited-before-rename';
    });
    await store.rename(id, 'new');
    expect(store.name).toBe('new');
    expect(store.canUndo).toBe(false);
    const doc = await stored(id);
    expect(doc.name).toBe('new');
    expect(doc.host.name).toBe('edited-before-rename');
    expect(store.current!.host.name).toBe('edited-before-rename');
  });

  it('deleting the open workspace opens the next one, or none', async () => {
    const a = await store.create('a');
    const b = await store.create('b');
    await store.remove(b);
    expect(store.id).toBe(a);
    await store.remove(a);
    expect(store.id).toBe(null);
    expect(store.current).toBe(null);
    expect(() => store.apply((d) => void d)).toThrow(/no workspace is open/);
  });
});

describe('WorkspaceStore hygiene', () => {
  it('freezes the document deeply in development (a stray push throws) and dispose() stops following the host', async () => {
    await store.create('frozen', { builtin: 'seed-power9-ipi' });
    const doc = store.current!;
    expect(() => (doc.guests as unknown[]).push({})).toThrow(TypeError);
    expect(() => ((doc.host.sockets[0] as { cores: number }).cores = 3)).toThrow(TypeError);
    const before = store.list.length;
    store.dispose();
    await client.call('workspaces.create', { name: 'made elsewhere' });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.list.length).toBe(before);
  });
});
