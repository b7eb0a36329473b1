import type { Database } from 'better-sqlite3';
import { NotFoundError, StoreError } from './errors';

/** One kernel-log line as stored: simulated ns and the text without its timestamp. */
export interface StoredLogLine {
  seq: number;
  tNs: number;
  text: string;
}

/** Cumulative figures at one simulated instant; rates are derived between samples on read. */
export interface SampleData {
  /** Mean current busy fraction over host CPUs, 0..1. */
  busy: number;
  ipisSent: number;
  lostIpis: number;
  lockups: number;
  /** Exits so far per guest, all reasons summed. */
  exits: Record<string, number>;
}

export interface StoredSample extends SampleData {
  tNs: number;
}

export interface StoredLockup {
  seq: number;
  tNs: number;
  cpu: number;
  kind: string;
  waitingOn: string;
  task: string | null;
  /** Soft lockup / hung task: the `Call Trace:` frames, innermost first (absent: none, or a run older than migration 5). */
  callTrace?: string[];
}

/** One lost IPI with its episode, stored as the run goes (the JSON of src-common RunLostIpi). */
export interface StoredLoss {
  seq: number;
  tNs: number;
  loss: unknown;
}

/** Everything a run recorder writes in one transaction (one flush). */
export interface HistoryBatch {
  simNs: number;
  counters: unknown;
  log: StoredLogLine[];
  samples: StoredSample[];
  lockups: StoredLockup[];
  /** Lost IPIs since the previous flush (absent: none). */
  losses?: StoredLoss[];
  memories: { tile: string; kind: string; bytes: Uint8Array }[];
  /** Encoded per-CPU timeline rows (host/history/timeline-codec.ts). */
  timeline?: StoredTimelineRow[];
}

export interface StoredTimelineRow {
  seq: number;
  tNs: number;
  data: Uint8Array;
}

export interface RunExtras {
  durationNs: number | null;
  ownerPid: number | null;
  heartbeatAt: string | null;
  counters: unknown;
}

/**
 * The detail of each run beside the `runs` row (migration 2): kernel log, samples, lockups,
 * AIE memory images, and the live fields (owner pid, heartbeat, counters so far).
 */
export class HistoryRepo {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  /** Claims a just-created run for this process: requested duration, owner pid, first heartbeat. */
  claim(runId: number, durationNs: number, pid = process.pid): void {
    if (!Number.isSafeInteger(durationNs) || durationNs <= 0) throw new StoreError(`durationNs: expected a positive integer, got ${durationNs}`);
    const { changes } = this.db
      .prepare("UPDATE runs SET duration_ns = ?, owner_pid = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'")
      .run(durationNs, pid, this.now(), runId);
    if (changes === 0) throw new NotFoundError(`no running run with id ${runId}`);
  }

  /** Writes one flush atomically; the run must still be `running` (a closed run is not reopened). */
  append(runId: number, b: HistoryBatch): void {
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare("UPDATE runs SET simulated_ns = ?, counters_json = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'")
        .run(Math.max(0, Math.round(b.simNs)), JSON.stringify(b.counters ?? null), this.now(), runId);
      if (changes === 0) throw new StoreError(`run ${runId} is not running (closed or deleted)`);
      const log = this.db.prepare('INSERT OR REPLACE INTO run_log (run_id, seq, t_ns, text) VALUES (?, ?, ?, ?)');
      for (const l of b.log) log.run(runId, l.seq, l.tNs, l.text);
      const sample = this.db.prepare('INSERT OR REPLACE INTO run_samples (run_id, t_ns, data) VALUES (?, ?, ?)');
      for (const { tNs, ...data } of b.samples) sample.run(runId, tNs, JSON.stringify(data));
      const lock = this.db.prepare('INSERT OR REPLACE INTO run_lockups (run_id, seq, t_ns, cpu, kind, waiting_on, task, call_trace) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const l of b.lockups) lock.run(runId, l.seq, l.tNs, l.cpu, l.kind, l.waitingOn, l.task, l.callTrace?.length ? l.callTrace.join('\n') : null);
      const loss = this.db.prepare('INSERT OR REPLACE INTO run_losses (run_id, seq, t_ns, data) VALUES (?, ?, ?, ?)');
      for (const l of b.losses ?? []) loss.run(runId, l.seq, l.tNs, JSON.stringify(l.loss));
      const mem = this.db.prepare('INSERT OR REPLACE INTO run_memories (run_id, tile, kind, bytes) VALUES (?, ?, ?, ?)');
      for (const m of b.memories) mem.run(runId, m.tile, m.kind, Buffer.from(m.bytes));
      const tl = this.db.prepare('INSERT OR REPLACE INTO run_timeline (run_id, seq, t_ns, data) VALUES (?, ?, ?, ?)');
      for (const r of b.timeline ?? []) tl.run(runId, r.seq, r.tNs, Buffer.from(r.data));
    })();
  }

  /** Proof of life while nothing else is written (e.g. paused). */
  heartbeat(runId: number): void {
    this.db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'").run(this.now(), runId);
  }

  extras(runId: number): RunExtras {
    const r = this.db
      .prepare<[number], { duration_ns: number | null; owner_pid: number | null; heartbeat_at: string | null; counters_json: string | null }>(
        'SELECT duration_ns, owner_pid, heartbeat_at, counters_json FROM runs WHERE id = ?',
      )
      .get(runId);
    if (!r) throw new NotFoundError(`no run with id ${runId}`);
    return { durationNs: r.duration_ns, ownerPid: r.owner_pid, heartbeatAt: r.heartbeat_at, counters: r.counters_json === null ? null : JSON.parse(r.counters_json) };
  }

  log(runId: number): StoredLogLine[] {
    return this.db
      .prepare<[number], { seq: number; t_ns: number; text: string }>('SELECT seq, t_ns, text FROM run_log WHERE run_id = ? ORDER BY seq')
      .all(runId)
      .map((r) => ({ seq: r.seq, tNs: r.t_ns, text: r.text }));
  }

  samples(runId: number): StoredSample[] {
    return this.db
      .prepare<[number], { t_ns: number; data: string }>('SELECT t_ns, data FROM run_samples WHERE run_id = ? ORDER BY t_ns')
      .all(runId)
      .map((r) => ({ tNs: r.t_ns, ...(JSON.parse(r.data) as SampleData) }));
  }

  lockups(runId: number): StoredLockup[] {
    return this.db
      .prepare<[number], { seq: number; t_ns: number; cpu: number; kind: string; waiting_on: string; task: string | null; call_trace: string | null }>(
        'SELECT seq, t_ns, cpu, kind, waiting_on, task, call_trace FROM run_lockups WHERE run_id = ? ORDER BY seq',
      )
      .all(runId)
      .map((r) => ({ seq: r.seq, tNs: r.t_ns, cpu: r.cpu, kind: r.kind, waitingOn: r.waiting_on, task: r.task, ...(r.call_trace ? { callTrace: r.call_trace.split('\n') } : {}) }));
  }

  /** The lost IPIs stored as the run went, in order. */
  losses(runId: number): StoredLoss[] {
    return this.db
      .prepare<[number], { seq: number; t_ns: number; data: string }>('SELECT seq, t_ns, data FROM run_losses WHERE run_id = ? ORDER BY seq')
      .all(runId)
      .map((r) => ({ seq: r.seq, tNs: r.t_ns, loss: JSON.parse(r.data) as unknown }));
  }

  /** The run's encoded timeline rows in order (decode with host/history/timeline-codec.ts). */
  timeline(runId: number): StoredTimelineRow[] {
    return this.db
      .prepare<[number], { seq: number; t_ns: number; data: Buffer }>('SELECT seq, t_ns, data FROM run_timeline WHERE run_id = ? ORDER BY seq')
      .all(runId)
      .map((r) => ({ seq: r.seq, tNs: r.t_ns, data: new Uint8Array(r.data) }));
  }

  memories(runId: number): { tile: string; kind: string; bytes: Uint8Array }[] {
    return this.db
      .prepare<[number], { tile: string; kind: string; bytes: Buffer }>('SELECT tile, kind, bytes FROM run_memories WHERE run_id = ? ORDER BY tile, kind')
      .all(runId)
      .map((r) => ({ tile: r.tile, kind: r.kind, bytes: new Uint8Array(r.bytes) }));
  }

  /** Deletes a run and all its detail (cascade). A run still being recorded by a live process is refused. */
  delete(runId: number): void {
    const r = this.db.prepare<[number], { status: string }>('SELECT status FROM runs WHERE id = ?').get(runId);
    if (!r) throw new NotFoundError(`no run with id ${runId}`);
    if (r.status === 'running') throw new StoreError(`run ${runId} is still running; cancel it first`);
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  }
}
