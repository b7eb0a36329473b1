import type { Database } from 'better-sqlite3';
import type { SweepStatus } from '../../../src-common/bridge/areas/sweeps';
import { NotFoundError, StoreError } from './errors';
import { pidAlive } from './orphans';

/** What a sweep runs (host/sweep/grid.ts): stored once, so `--resume` needs nothing else. */
export interface SweepDefinition {
  /** Names the sweep's jobs on a shared queue; unique across stores. */
  uuid: string;
  workspaceName: string;
  workspace: unknown;
  /** The `--seeds` text, e.g. `1..200`. */
  seeds: string;
  axes: { key: string; values: string[] }[];
  set: Record<string, string | number | boolean>;
  durationNs: number;
  until: string | null;
  /** The queue URL without credentials, or null for the local pool. */
  queue: string | null;
  totalRuns: number;
}

export interface SweepRecord extends SweepDefinition {
  id: number;
  status: SweepStatus;
  ownerPid: number | null;
  createdAt: string;
  finishedAt: string | null;
  /** Runs stored so far. */
  done: number;
}

/** One stored run of a sweep. `result` is the deterministic SweepRunResult (host/sweep/job.ts). */
export interface SweepRunRow {
  config: string;
  seed: number;
  runId: number | null;
  result: unknown;
  /** The exact stored text of `result` (what "byte for byte" compares). */
  resultJson: string;
  wallMs: number;
  worker: string;
}

/** A run to store: its sweep result and the `runs` row that lets it open like any run. */
export interface SweepRunInput {
  config: string;
  seed: number;
  result: { status: 'finished' | 'failed'; simulatedSeconds: number; error?: string };
  /** The workspace as the run simulated it (configuration applied) and its overrides. */
  workspace: unknown;
  params: Record<string, unknown>;
  summary: unknown;
  wallMs: number;
  worker: string;
}

interface Row {
  id: number;
  uuid: string;
  workspace_name: string;
  workspace_json: string;
  seeds: string;
  axes_json: string;
  set_json: string;
  duration_ns: number;
  until: string | null;
  queue: string | null;
  total_runs: number;
  status: SweepStatus;
  owner_pid: number | null;
  created_at: string;
  finished_at: string | null;
  done: number;
}

const SELECT = 'SELECT s.*, (SELECT COUNT(*) FROM sweep_runs r WHERE r.sweep_id = s.id) AS done FROM sweeps s';

/**
 * Sweeps and their runs (migration 3). A run is stored at most once per (sweep, configuration,
 * seed): `storeRun` of a key already present changes nothing and says so, which is what makes a
 * queue's at-least-once delivery store each run exactly once.
 */
export class SweepRepo {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  create(def: SweepDefinition, pid = process.pid): SweepRecord {
    if (!Number.isSafeInteger(def.durationNs) || def.durationNs <= 0) throw new StoreError(`durationNs: expected a positive integer, got ${def.durationNs}`);
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO sweeps (uuid, workspace_name, workspace_json, seeds, axes_json, set_json, duration_ns, until, queue, total_runs, status, owner_pid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(def.uuid, def.workspaceName, JSON.stringify(def.workspace), def.seeds, JSON.stringify(def.axes), JSON.stringify(def.set), def.durationNs, def.until, def.queue, def.totalRuns, 'running', pid, this.now());
    return this.get(Number(lastInsertRowid));
  }

  get(id: number): SweepRecord {
    const r = this.db.prepare<[number], Row>(`${SELECT} WHERE s.id = ?`).get(id);
    if (!r) throw new NotFoundError(`no sweep with id ${id}`);
    return toRecord(r);
  }

  /** Newest first. */
  list(opts: { limit?: number; workspaceName?: string } = {}): SweepRecord[] {
    const limit = opts.limit ?? 1000;
    const rows = opts.workspaceName
      ? this.db.prepare<[string, number], Row>(`${SELECT} WHERE s.workspace_name = ? ORDER BY s.id DESC LIMIT ?`).all(opts.workspaceName, limit)
      : this.db.prepare<[number], Row>(`${SELECT} ORDER BY s.id DESC LIMIT ?`).all(limit);
    return rows.map(toRecord);
  }

  /** Takes a sweep over for this process (`--resume`): it runs again, owned by `pid`. */
  claim(id: number, pid = process.pid): SweepRecord {
    const s = this.get(id);
    if (s.status === 'running') throw new StoreError(`sweep ${id} is still running in process ${s.ownerPid}; stop it first`);
    this.db.prepare("UPDATE sweeps SET status = 'running', owner_pid = ?, finished_at = NULL WHERE id = ?").run(pid, id);
    return this.get(id);
  }

  /** Ends a sweep: finished (every run stored) or interrupted (resumable). */
  end(id: number, status: Exclude<SweepStatus, 'running'>): SweepRecord {
    this.db.prepare('UPDATE sweeps SET status = ?, finished_at = ?, owner_pid = NULL WHERE id = ?').run(status, this.now(), id);
    return this.get(id);
  }

  /**
   * Stores one run with its `runs` row in one transaction, unless (sweep, config, seed) is
   * already stored. Returns the run id, or null for a duplicate delivery (nothing written).
   */
  storeRun(sweepId: number, r: SweepRunInput): number | null {
    return this.db.transaction((): number | null => {
      const exists = this.db.prepare<[number, string, number], { n: number }>('SELECT 1 AS n FROM sweep_runs WHERE sweep_id = ? AND config = ? AND seed = ?').get(sweepId, r.config, r.seed);
      if (exists) return null;
      const now = this.now();
      const simNs = Math.round(r.result.simulatedSeconds * 1e9);
      const sweep = this.db.prepare<[number], { workspace_name: string; duration_ns: number }>('SELECT workspace_name, duration_ns FROM sweeps WHERE id = ?').get(sweepId);
      if (!sweep) throw new NotFoundError(`no sweep with id ${sweepId}`);
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO runs (workspace_name, workspace_json, seed, params_json, status, started_at, finished_at, simulated_ns, summary_json, error, duration_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(sweep.workspace_name, JSON.stringify(r.workspace), r.seed, JSON.stringify(r.params), r.result.status, now, now, simNs, JSON.stringify(r.summary), r.result.error ?? null, sweep.duration_ns);
      const runId = Number(lastInsertRowid);
      this.db
        .prepare('INSERT INTO sweep_runs (sweep_id, config, seed, run_id, result_json, wall_ms, worker, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(sweepId, r.config, r.seed, runId, JSON.stringify(r.result), r.wallMs, r.worker, now);
      return runId;
    }).immediate();
  }

  /** Every stored run of a sweep, by configuration then seed. */
  runs(sweepId: number): SweepRunRow[] {
    return this.db
      .prepare<[number], { config: string; seed: number; run_id: number | null; result_json: string; wall_ms: number; worker: string }>(
        'SELECT config, seed, run_id, result_json, wall_ms, worker FROM sweep_runs WHERE sweep_id = ? ORDER BY config, seed',
      )
      .all(sweepId)
      .map((r) => ({ config: r.config, seed: r.seed, runId: r.run_id, result: JSON.parse(r.result_json), resultJson: r.result_json, wallMs: r.wall_ms, worker: r.worker }));
  }

  /** `config + '\n' + seed` of every stored run (what `--resume` skips). */
  doneKeys(sweepId: number): Set<string> {
    const rows = this.db.prepare<[number], { config: string; seed: number }>('SELECT config, seed FROM sweep_runs WHERE sweep_id = ?').all(sweepId);
    return new Set(rows.map((r) => runKey(r.config, r.seed)));
  }

  /** Deletes a sweep, its sweep rows and the runs it stored. */
  delete(id: number): void {
    const s = this.get(id);
    if (s.status === 'running') throw new StoreError(`sweep ${id} is still running; stop it first`);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM runs WHERE id IN (SELECT run_id FROM sweep_runs WHERE sweep_id = ?)').run(id);
      this.db.prepare('DELETE FROM sweeps WHERE id = ?').run(id);
    })();
  }
}

export function runKey(config: string, seed: number): string {
  return `${config}\n${seed}`;
}

function toRecord(r: Row): SweepRecord {
  // A sweep left running by a process that is gone (killed, crashed) can be resumed.
  const status: SweepStatus = r.status === 'running' && r.owner_pid !== null && !pidAlive(r.owner_pid) ? 'interrupted' : r.status;
  return {
    id: r.id,
    uuid: r.uuid,
    workspaceName: r.workspace_name,
    workspace: JSON.parse(r.workspace_json),
    seeds: r.seeds,
    axes: JSON.parse(r.axes_json) as SweepDefinition['axes'],
    set: JSON.parse(r.set_json) as SweepDefinition['set'],
    durationNs: r.duration_ns,
    until: r.until,
    queue: r.queue,
    totalRuns: r.total_runs,
    status,
    ownerPid: r.owner_pid,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    done: r.done,
  };
}
