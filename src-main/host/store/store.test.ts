import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkspace } from '../../../src-common/workspace';
import { ConflictError, NotFoundError, StoreError, openStore, defaultStorePath, STORE_SCHEMA_VERSION, type Store } from './index';

let dir: string;
let file: string;
let store: Store | undefined;
let tick = 0;
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-store-'));
  file = path.join(dir, 'sub', 'workbench.db');
  tick = 0;
});
afterEach(() => {
  store?.close();
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('creates the folder, migrates to the current schema in WAL mode, and reopens idempotently', () => {
    store = openStore(file, { now });
    expect(store.db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.workspaces.create(emptyWorkspace('a'));
    store.close();
    store = openStore(file, { now });
    expect(store.workspaces.list().map((w) => w.name)).toEqual(['a']);
  });

  it('refuses a store from a newer build and leaves it untouched', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openStore(file)).toThrow(/newer than this build knows.*left untouched/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.existsSync(file + '-wal')).toBe(false);
  });

  it('refuses a file that is not a database', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'hello, this is not sqlite at all'.repeat(10));
    expect(() => openStore(file)).toThrow(StoreError);
  });

  it('defaults to $XDG_DATA_HOME, else ~/.local/share', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: '/x/data' })).toBe('/x/data/topology-workbench/workbench.db');
    expect(defaultStorePath({})).toBe(path.join(os.homedir(), '.local/share/topology-workbench/workbench.db'));
  });
});

describe('WorkspaceRepo', () => {
  beforeEach(() => {
    store = openStore(file, { now });
  });

  it('creates, lists, gets, renames, duplicates and deletes', () => {
    const ws = store!.workspaces;
    const a = ws.create(emptyWorkspace('alpha'));
    expect(a).toMatchObject({ name: 'alpha', revision: 1 });
    expect(ws.get(a.id).doc.name).toBe('alpha');
    const r = ws.rename(a.id, 'beta');
    expect(r).toMatchObject({ name: 'beta', revision: 2 });
    expect(r.doc.name).toBe('beta');
    const d1 = ws.duplicate(a.id);
    const d2 = ws.duplicate(a.id);
    expect([d1.name, d2.name]).toEqual(['beta copy', 'beta copy 2']);
    expect(ws.list().map((w) => w.name)).toEqual(['beta', 'beta copy', 'beta copy 2']);
    ws.delete(d1.id);
    expect(() => ws.get(d1.id)).toThrow(NotFoundError);
    expect(() => ws.delete(d1.id)).toThrow(NotFoundError);
  });

  it('saves against a base revision and refuses a stale one', () => {
    const ws = store!.workspaces;
    const a = ws.create(emptyWorkspace('alpha'));
    const saved = ws.save(a.id, 1, { ...a.doc, params: { 'x.y': 3 } });
    expect(saved.revision).toBe(2);
    expect(() => ws.save(a.id, 1, a.doc)).toThrow(ConflictError);
    expect(ws.get(a.id).doc.params).toEqual({ 'x.y': 3 });
    expect(ws.revisions(a.id).map((r) => r.revision)).toEqual([2, 1]);
  });

  it('refuses duplicate names and invalid documents without changing anything', () => {
    const ws = store!.workspaces;
    const a = ws.create(emptyWorkspace('alpha'));
    ws.create(emptyWorkspace('beta'));
    expect(() => ws.create(emptyWorkspace('alpha'))).toThrow(ConflictError);
    expect(() => ws.rename(a.id, 'beta')).toThrow(/already exists/);
    const bad = { ...a.doc, host: { ...a.doc.host, threadsPerCore: 3 } };
    expect(() => ws.save(a.id, 1, bad as never)).toThrow(/host\.threadsPerCore/);
    expect(ws.get(a.id)).toMatchObject({ name: 'alpha', revision: 1 });
  });

  it('keeps a bounded revision history', () => {
    const ws = store!.workspaces;
    const a = ws.create(emptyWorkspace('alpha'));
    for (let i = 1; i <= 60; i++) ws.save(a.id, i, { ...a.doc, params: { n: i } });
    const revs = ws.revisions(a.id);
    expect(revs.length).toBe(50);
    expect(revs[0].revision).toBe(61);
  });

  it('stores settings', () => {
    store!.settings.set('lastOpened', '3');
    expect(store!.settings.get('lastOpened')).toBe('3');
    store!.settings.set('lastOpened', undefined);
    expect(store!.settings.get('lastOpened')).toBeUndefined();
  });
});

describe('RunRepo', () => {
  beforeEach(() => {
    store = openStore(file, { now });
  });

  it('records a run from start to finish', () => {
    const runs = store!.runs;
    const r = runs.create({ workspaceName: 'seed', workspace: emptyWorkspace('seed'), seed: 42, params: { 'kernel.barriers': 'none' } });
    expect(r).toMatchObject({ status: 'running', seed: 42, simulatedNs: 0, finishedAt: null, params: { 'kernel.barriers': 'none' } });
    runs.progress(r.id, 1_000_000);
    expect(runs.get(r.id).simulatedNs).toBe(1_000_000);
    const done = runs.finish(r.id, 72_000_000_000_000, { lostIpis: 3 });
    expect(done).toMatchObject({ status: 'finished', simulatedNs: 72_000_000_000_000, summary: { lostIpis: 3 } });
    expect(done.finishedAt).not.toBeNull();
    expect(() => runs.progress(r.id, 5)).toThrow(/already finished/);
  });

  it('ends runs as failed/cancelled/interrupted and lists newest first', () => {
    const runs = store!.runs;
    const a = runs.create({ workspaceName: 'a', workspace: {}, seed: 1 });
    const b = runs.create({ workspaceName: 'b', workspace: {}, seed: 2 });
    const c = runs.create({ workspaceName: 'a', workspace: {}, seed: 3 });
    expect(runs.end(a.id, 'failed', 'boom')).toMatchObject({ status: 'failed', error: 'boom' });
    runs.end(b.id, 'cancelled');
    expect(runs.interruptAll()).toBe(1);
    expect(runs.get(c.id).status).toBe('interrupted');
    expect(runs.list().map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(runs.list({ workspaceName: 'a' }).map((r) => r.id)).toEqual([c.id, a.id]);
    expect(() => runs.get(999)).toThrow(NotFoundError);
    expect(() => runs.progress(a.id, -1)).toThrow(StoreError);
  });

  it('is shared by two connections on the same file (CLI run while the app is open)', () => {
    const other = openStore(file, { now });
    const r = other.runs.create({ workspaceName: 'x', workspace: {}, seed: 7 });
    expect(store!.runs.get(r.id).seed).toBe(7);
    other.close();
  });
});
