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
  /**
   * What opening may create: `directories` (the default store's folder, the desktop app's
   * userData), `file` (a new store in an existing folder: `twb run --db`, `twb serve --db`), or
   * `nothing` (the store must exist: listing, reports). Default `directories`.
   */
  create?: 'directories' | 'file' | 'nothing';
  /**
   * `read`: the caller only reads (listing, reports); a store this process cannot write (a
   * read-only file or folder) is then read from a private snapshot instead of refused.
   */
  access?: 'read' | 'write';
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
  /** Opened read-only (from a snapshot of a store this process cannot write). */
  readonly readOnly: boolean;
  readonly workspaces: WorkspaceRepo;
  readonly runs: RunRepo;
  /** Per-run detail recorded while runs execute (host/history). */
  readonly history: HistoryRepo;
  /** Sweeps and their runs (host/sweep). */
  readonly sweeps: SweepRepo;
  readonly settings: Settings;
  close(): void;
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'topology-workbench', 'workbench.db');
}

/** How to get back what a damaged store still holds (SQLite's own recovery). */
const recoverHint = (file: string) =>
  `To recover what it still holds: sqlite3 ${file} .recover | sqlite3 ${file}.recovered.db, then use --db ${file}.recovered.db; or move ${file} away to start an empty store`;

const READ_ONLY_CODES = new Set(['SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_RECOVERY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_CANTOPEN', 'EACCES', 'EROFS', 'EPERM']);

/**
 * Opens the store at `file` and migrates it to the current schema. Nothing is written before
 * it passed `PRAGMA quick_check`: a damaged store is refused untouched, naming the file and how
 * to recover it, and so is one written by a newer build.
 */
export function openStore(file: string, opts: StoreOptions = {}): Store {
  const create = opts.create ?? 'directories';
  if (file !== ':memory:') {
    const dir = path.dirname(path.resolve(file));
    if (!fs.existsSync(file)) {
      if (create === 'nothing') throw new StoreError(`no store at ${file} (twb run --db ${file} records runs into a new one)`);
      if (create === 'file' && !fs.existsSync(dir)) throw new StoreError(`cannot create store ${file}: the folder ${dir} does not exist (create it first, or leave out --db for the default store)`);
      fs.mkdirSync(dir, { recursive: true });
    }
  }
  try {
    return openDatabase(file, file, opts, false);
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
    if (opts.access !== 'read' || !code || !READ_ONLY_CODES.has(code) || file === ':memory:') throw e;
  }
  // A store this process cannot write: read a snapshot of it (SQLite cannot open a WAL store
  // read-only where it may not create the -shm file, and better-sqlite3 has no immutable URI).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-readonly-'));
  try {
    const copy = path.join(dir, 'store.db');
    fs.copyFileSync(file, copy);
    if (fs.existsSync(file + '-wal')) fs.copyFileSync(file + '-wal', copy + '-wal');
    const store = openDatabase(copy, file, opts, true);
    return { ...store, close: () => (store.close(), fs.rmSync(dir, { recursive: true, force: true })) };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot read store ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Opens `path` (the store named `file` in messages); `readOnly` opens a snapshot without writing. */
function openDatabase(dbPath: string, file: string, opts: StoreOptions, readOnly: boolean): Store {
  const now = opts.now ?? (() => new Date().toISOString());
  let db: Database.Database;
  try {
    db = new Database(dbPath, { ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}), readonly: readOnly });
  } catch (e) {
    throw new StoreError(`cannot open store ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && READ_ONLY_CODES.has(code)) throw new StoreError(`cannot write store ${file}: ${(e as Error).message} (twb runs list and twb report can still read it)`, { cause: e });
      throw new StoreError(`${file} is not a Topology Workbench store (${(e as Error).message}); it was left untouched`, { cause: e });
    }
    checkIntact(db, file);
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        `${file} has store schema ${version}, newer than this build knows (${SCHEMA_VERSION}); it was left untouched — use a newer Topology Workbench or another --db file`,
      );
    if (readOnly) {
      if (version < SCHEMA_VERSION) throw new StoreError(`${file} has store schema ${version}, older than this build's ${SCHEMA_VERSION}, and cannot be written to migrate it; open it once where it can be written`);
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, version);
      interruptOrphans(db, now);
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    file,
    db,
    readOnly,
    workspaces: new WorkspaceRepo(db, now),
    runs: new RunRepo(db, now),
    history: new HistoryRepo(db, now),
    sweeps: new SweepRepo(db, now),
    settings: new Settings(db),
    close: () => db.close(),
  };
}

/** `PRAGMA quick_check` (O(pages), no index cross-check): refuses a damaged store before anything writes to it. */
function checkIntact(db: Database.Database, file: string): void {
  let lines: string[];
  try {
    lines = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (e) {
    throw new StoreError(`${file} is damaged (${(e as Error).message}); it was left untouched. ${recoverHint(file)}`, { cause: e });
  }
  if (lines.length === 1 && lines[0] === 'ok') return;
  const first = lines.join('; ').replace(/\s+/g, ' ').replace('*** in database main *** ', '');
  throw new StoreError(`${file} is damaged (PRAGMA quick_check: ${first.length > 300 ? first.slice(0, 300) + '…' : first}); it was left untouched. ${recoverHint(file)}`);
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
