import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyWorkspace } from '../../../src-common/workspace';
import { MIGRATIONS } from './migrations';
import { openStore, STORE_SCHEMA_VERSION } from './index';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-migrate-'));
  file = path.join(dir, 'old.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A store as the first schema version left it, with data in every table. */
function populatedV1(): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  MIGRATIONS[0](db);
  db.pragma('user_version = 1');
  const doc = JSON.stringify(emptyWorkspace('old'));
  db.prepare("INSERT INTO workspaces (name, revision, doc, created_at, updated_at) VALUES ('old', 1, ?, 't0', 't0')").run(doc);
  db.prepare("INSERT INTO workspace_revisions (workspace_id, revision, doc, saved_at) VALUES (1, 1, ?, 't0')").run(doc);
  db.prepare("INSERT INTO settings (key, value) VALUES ('lastOpened', '1')").run();
  db.prepare(
    "INSERT INTO runs (workspace_name, workspace_json, seed, params_json, status, started_at, finished_at, simulated_ns, summary_json) VALUES ('old', ?, 7, '{\"host.hz\":250}', 'finished', 't0', 't1', 600000000000, '{\"lostIpis\":2}')",
  ).run(doc);
  db.prepare("INSERT INTO runs (workspace_name, workspace_json, seed, status, started_at) VALUES ('old', ?, 8, 'running', 't2')").run(doc);
  db.close();
}

describe('migrations', () => {
  it('migrates a populated first-version store to the current schema, keeping every row', () => {
    populatedV1();
    const store = openStore(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(store.workspaces.list().map((w) => w.name)).toEqual(['old']);
      expect(store.workspaces.revisions(1)).toHaveLength(1);
      expect(store.settings.get('lastOpened')).toBe('1');
      expect(store.runs.get(1)).toMatchObject({ status: 'finished', seed: 7, params: { 'host.hz': 250 }, simulatedNs: 600e9, summary: { lostIpis: 2 } });
      // A run without an owner pid (recorded before migration 2) is not judged by the orphan check.
      expect(store.runs.get(2).status).toBe('running');
      expect(store.history.extras(1)).toEqual({ durationNs: null, ownerPid: null, heartbeatAt: null, counters: null });
      expect(store.history.log(1)).toEqual([]);
      // The migrated store takes new history rows and cascades deletes.
      store.history.claim(2, 1e9);
      store.history.append(2, { simNs: 5, counters: {}, log: [{ seq: 0, tNs: 1, text: 'x' }], samples: [], lockups: [], memories: [{ tile: '1,1', kind: 'data', bytes: new Uint8Array([1, 2]) }] });
      store.runs.end(2, 'cancelled');
      expect(store.history.memories(2)).toEqual([{ tile: '1,1', kind: 'data', bytes: new Uint8Array([1, 2]) }]);
      store.history.delete(2);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM run_log').get()).toEqual({ n: 0 });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      store.close();
    }
    // Reopening is a no-op.
    const again = openStore(file);
    expect(again.runs.list().map((r) => r.id)).toEqual([1]);
    again.close();
  });

  it('refuses a store from a newer build, leaving the file byte-identical', () => {
    populatedV1();
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => openStore(file)).toThrow(`has store schema ${STORE_SCHEMA_VERSION + 1}, newer than this build knows (${STORE_SCHEMA_VERSION}); it was left untouched`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
