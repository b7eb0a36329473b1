import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { interruptOrphans } from './orphans';
import { RunRepo } from './run-repo';
import { HistoryRepo } from './history-repo';
import { SweepRepo } from './sweep-repo';
import { WorkspaceRepo } from './workspace-repo';

export interface StoreOptions {
  /** Path of a better-sqlite3 `.node` build for this runtime (the desktop app's Electron-ABI build). */
  nativeBinding?: string;
  /** Clock for timestamps (tests pin it). */
  now?: () => string;
}

/** Small key/value settings (e.g. the last opened workspace). */
export class Settings {
  constructor(private readonly db: Database.Database) {}
  get(key: string): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value;
  }
  set(key: string, value: string | undefined): void {
    if (value === undefined) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

export interface Store {
  readonly file: string;
  readonly db: Database.Database;
  readonly workspaces: WorkspaceRepo;
  readonly runs: RunRepo;
  /** Per-run detail recorded while runs execute (host/history). */
  readonly history: HistoryRepo;
  /** Sweeps and their runs (host/sweep). */
  readonly sweeps: SweepRepo;
  readonly settings: Settings;
  close(): void;
}

/** `$XDG_DATA_HOME/topology-workbench/workbench.db` (XDG default `~/.local/share`). */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'topology-workbench', 'workbench.db');
}

/**
 * Opens (creating if needed) the store at `file` and migrates it to the current schema.
 * A database written by a newer build is refused before anything is written to it.
 */
export function openStore(file: string, opts: StoreOptions = {}): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (e) {
    throw new StoreError(`cannot open store ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      throw new StoreError(`${file} is not a Topology Workbench store: ${(e as Error).message}`, { cause: e });
    }
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        `${file} has store schema ${version}, newer than this build knows (${SCHEMA_VERSION}); it was left untouched — use a newer Topology Workbench or another --db file`,
      );
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, version);
  } catch (e) {
    db.close();
    throw e;
  }
  const now = opts.now ?? (() => new Date().toISOString());
  interruptOrphans(db, now);
  return {
    file,
    db,
    workspaces: new WorkspaceRepo(db, now),
    runs: new RunRepo(db, now),
    history: new HistoryRepo(db, now),
    sweeps: new SweepRepo(db, now),
    settings: new Settings(db),
    close: () => db.close(),
  };
}

function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      // Re-read under the write lock: a second process opening the same file may have migrated.
      if ((db.pragma('user_version', { simple: true }) as number) > v) return;
      MIGRATIONS[v](db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
