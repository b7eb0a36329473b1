import type { Database } from 'better-sqlite3';

/**
 * A recorded run whose heartbeat is older than this is taken as dead even if its pid is alive
 * (the pid was reused). The recorder beats every few seconds, also while paused.
 */
export const STALE_HEARTBEAT_MS = 10 * 60_000;

/** True if a process with this pid exists on this machine (signal 0 checks without sending). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks runs left `running` by a process that is gone (killed, crashed, power loss) as
 * `interrupted`. Only runs that carry an owner pid (recorded by host/history's RunRecorder)
 * are judged; a run without one is left to whoever created it. Returns the ids closed.
 */
export function interruptOrphans(db: Database, now: () => string, wallNow = Date.now()): number[] {
  const rows = db
    .prepare<[], { id: number; owner_pid: number; heartbeat_at: string | null }>(
      "SELECT id, owner_pid, heartbeat_at FROM runs WHERE status = 'running' AND owner_pid IS NOT NULL",
    )
    .all();
  const dead = rows.filter((r) => {
    if (!pidAlive(r.owner_pid)) return true;
    const beat = r.heartbeat_at ? Date.parse(r.heartbeat_at) : NaN;
    return r.owner_pid !== process.pid && Number.isFinite(beat) && wallNow - beat > STALE_HEARTBEAT_MS;
  });
  if (dead.length === 0) return [];
  const close = db.prepare(
    "UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'the recording process ended before the run did (killed or crashed); data up to its last flush is kept' WHERE id = ? AND status = 'running'",
  );
  db.transaction(() => {
    for (const r of dead) close.run(now(), r.id);
  }).immediate();
  return dead.map((r) => r.id);
}
