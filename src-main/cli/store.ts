import fs from 'node:fs';
import { defaultStorePath, openStore, StoreError, type Store } from '../host/store';
import { CliError } from './errors';

/**
 * The store a command names with `--db` (or the default one, whose folder is created). `read`
 * commands (list, show, compare, report) need an existing store and can read one they cannot
 * write; `record` commands (run, serve) may create the file in an existing folder; `write`
 * commands (delete) change an existing one.
 */
/** An explicit --db that must already exist (re-running a stored run reads it first). */
export function requireStore(db: string | undefined): void {
  if (db !== undefined && !fs.existsSync(db)) throw new CliError(`no store at ${db} (twb run --db ${db} records runs into a new one)`);
}

export function openCliStore(db: string | undefined, purpose: 'read' | 'record' | 'write'): Store {
  try {
    if (db === undefined) return openStore(defaultStorePath(), { access: purpose === 'read' ? 'read' : 'write' });
    return openStore(db, { create: purpose === 'record' ? 'file' : 'nothing', access: purpose === 'read' ? 'read' : 'write' });
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  }
}
