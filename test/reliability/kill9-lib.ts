/**
 * kill -9 of `twb run --db` at a random moment, then: `PRAGMA integrity_check` is ok, every run
 * finished before is byte-for-byte what it was, and reopening the store leaves no run `running`.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src-main/host/store';

export const TWB = fileURLToPath(new URL('../../bin/twb.js', import.meta.url));

/** sha256 of every finished run: its row and all its recorded detail. */
export function finishedRuns(dbFile: string): Map<number, string> {
  if (!fs.existsSync(dbFile)) return new Map();
  const db = new Database(dbFile, { readonly: true });
  try {
    const out = new Map<number, string>();
    for (const r of db.prepare<[], { id: number }>("SELECT * FROM runs WHERE status = 'finished' ORDER BY id").all()) {
      const h = createHash('sha256').update(JSON.stringify(r));
      for (const t of ['run_log', 'run_samples', 'run_lockups', 'run_memories'])
        for (const row of db.prepare(`SELECT * FROM ${t} WHERE run_id = ? ORDER BY 2, 3`).iterate(r.id)) h.update(JSON.stringify(row, (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
      out.set(r.id, h.digest('hex'));
    }
    return out;
  } finally {
    db.close();
  }
}

export interface Trial {
  killedAfterMs: number;
  /** The run had already exited by itself (it finished before the kill). */
  finishedFirst: boolean;
  integrity: string;
  finishedIntact: boolean;
  finishedRuns: number;
  interruptedOnReopen: number;
  leftRunning: number;
  /** For a run killed mid-run: wall ms between its last flush/heartbeat and the kill. */
  unflushedMs?: number | null;
}

/** The newest run id in the store (0 if none or no store yet). */
function newestRun(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0;
  try {
    const db = new Database(dbFile, { readonly: true, timeout: 5000 });
    try {
      return (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number | null }).id ?? 0;
    } finally {
      db.close();
    }
  } catch {
    return 0; // schema not there yet (the CLI is migrating a new store)
  }
}

/**
 * Starts `twb run --db dbFile` and SIGKILLs it `killAfterMs` after it spawned — or, with
 * `fromRunStart`, after its run row appeared (so every kill lands while the run executes);
 * then checks the store.
 */
export async function killTrial(dbFile: string, killAfterMs: number, duration = '20h', fromRunStart = false): Promise<Trial> {
  const before = finishedRuns(dbFile);
  const prevRun = newestRun(dbFile);
  const child = spawn(process.execPath, [TWB, 'run', 'builtin:seed-power9-ipi', '--duration', duration, '--db', dbFile, '--no-progress', '--seed', String(1 + Math.floor(killAfterMs))], { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  if (fromRunStart) while (!gone && newestRun(dbFile) === prevRun) await new Promise((r) => setTimeout(r, 25));
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), killAfterMs));
  const first = await Promise.race([exited, timer]);
  const finishedFirst = first !== 'timeout';
  const killedAt = Date.now();
  if (!finishedFirst) {
    child.kill('SIGKILL');
    await exited;
  }
  if (!fs.existsSync(dbFile)) return { killedAfterMs: killAfterMs, finishedFirst, integrity: 'ok (no store yet: killed before opening it)', finishedIntact: before.size === 0, finishedRuns: 0, interruptedOnReopen: 0, leftRunning: 0 };
  const raw = new Database(dbFile);
  const integrity = raw.pragma('integrity_check', { simple: true }) as string;
  raw.close();
  const after = finishedRuns(dbFile);
  const finishedIntact = [...before].every(([id, h]) => after.get(id) === h);
  const running = () => {
    const db = new Database(dbFile, { readonly: true });
    const ids = db.prepare<[], { id: number }>("SELECT id FROM runs WHERE status = 'running'").all().map((r) => r.id);
    db.close();
    return ids;
  };
  const wasRunning = running();
  // Wall time the killed run had not flushed yet: kill time − its last heartbeat.
  let unflushedMs: number | null = null;
  if (wasRunning.length) {
    const db = new Database(dbFile, { readonly: true });
    const beat = (db.prepare('SELECT heartbeat_at FROM runs WHERE id = ?').get(wasRunning[wasRunning.length - 1]) as { heartbeat_at: string | null }).heartbeat_at;
    db.close();
    if (beat) unflushedMs = killedAt - Date.parse(beat);
  }
  openStore(dbFile).close(); // the next start: orphans become `interrupted`
  const leftRunning = running().length;
  return { killedAfterMs: killAfterMs, finishedFirst, integrity, finishedIntact, finishedRuns: after.size, interruptedOnReopen: wasRunning.length - leftRunning, leftRunning, unflushedMs };
}
