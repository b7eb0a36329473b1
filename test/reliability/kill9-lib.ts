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
}

/** Starts `twb run --db dbFile` and SIGKILLs it after `killAfterMs`; then checks the store. */
export async function killTrial(dbFile: string, killAfterMs: number, duration = '20h'): Promise<Trial> {
  const before = finishedRuns(dbFile);
  const child = spawn(process.execPath, [TWB, 'run', 'builtin:seed-power9-ipi', '--duration', duration, '--db', dbFile, '--no-progress', '--seed', String(1 + Math.floor(killAfterMs))], { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), killAfterMs));
  const first = await Promise.race([exited, timer]);
  const finishedFirst = first !== 'timeout';
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
  openStore(dbFile).close(); // the next start: orphans become `interrupted`
  const leftRunning = running().length;
  return { killedAfterMs: killAfterMs, finishedFirst, integrity, finishedIntact, finishedRuns: after.size, interruptedOnReopen: wasRunning.length - leftRunning, leftRunning };
}
