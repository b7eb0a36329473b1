import type { Database } from 'better-sqlite3';
import { NotFoundError, StoreError } from './errors';

/** `stopped-at`: ended at its `--until` point (stored as finished with `stopped_json`, migration 4). */
export const RUN_STATUSES = ['running', 'finished', 'failed', 'cancelled', 'interrupted', 'stopped-at'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRecord {
  id: number;
  workspaceName: string;
  /** The exact document the run simulated (a snapshot, not a reference). */
  workspace: unknown;
  seed: number;
  /** Parameter overrides given for this run (`--set KEY=VALUE`). */
  params: Record<string, unknown>;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Simulated time reached so far, integer ns. */
  simulatedNs: number;
  summary: unknown;
  error: string | null;
  /** Status stopped-at: the until condition (or `time`) and when, in simulated seconds. */
  stoppedAt: { condition: string; t: number } | null;
}

export interface NewRun {
  workspaceName: string;
  workspace: unknown;
  seed: number;
  params?: Record<string, unknown>;
}

interface Row {
  id: number;
  workspace_name: string;
  workspace_json: string;
  seed: number;
  params_json: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  simulated_ns: number;
  summary_json: string | null;
  error: string | null;
  stopped_json: string | null;
}

/**
 * Simulation runs: created `running`, advanced with `progress`, closed with `finish`
 * (summary) or `end` (failed / cancelled / interrupted). A closed run is not reopened.
 */
export class RunRepo {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  create(run: NewRun): RunRecord {
    if (!Number.isSafeInteger(run.seed)) throw new StoreError(`seed: expected a safe integer, got ${run.seed}`);
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO runs (workspace_name, workspace_json, seed, params_json, status, started_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(run.workspaceName, JSON.stringify(run.workspace), run.seed, JSON.stringify(run.params ?? {}), 'running', this.now());
    return this.get(Number(lastInsertRowid));
  }

  /** Records how far a running run has simulated. */
  progress(id: number, simulatedNs: number): void {
    this.assertRunning(id);
    this.db.prepare('UPDATE runs SET simulated_ns = ? WHERE id = ?').run(checkNs(simulatedNs), id);
  }

  /** Closes a run as finished with its summary (any JSON value); `stoppedAt`: it ended at its until point (status stopped-at). */
  finish(id: number, simulatedNs: number, summary: unknown, stoppedAt?: { condition: string; t: number }): RunRecord {
    this.assertRunning(id);
    if (stoppedAt && (typeof stoppedAt.condition !== 'string' || !Number.isFinite(stoppedAt.t))) throw new StoreError(`stoppedAt: expected {condition, t}, got ${JSON.stringify(stoppedAt)}`);
    this.db
      .prepare("UPDATE runs SET status = 'finished', simulated_ns = ?, summary_json = ?, finished_at = ?, stopped_json = ? WHERE id = ?")
      .run(checkNs(simulatedNs), JSON.stringify(summary ?? null), this.now(), stoppedAt ? JSON.stringify({ condition: stoppedAt.condition, t: stoppedAt.t }) : null, id);
    return this.get(id);
  }

  /** Closes a run that did not finish: failed (with its error), cancelled or interrupted. */
  end(id: number, status: Exclude<RunStatus, 'running' | 'finished' | 'stopped-at'>, error?: string, summary?: unknown): RunRecord {
    if (!['failed', 'cancelled', 'interrupted'].includes(status)) throw new StoreError(`status: expected failed, cancelled or interrupted, got '${status}'`);
    this.assertRunning(id);
    this.db
      .prepare('UPDATE runs SET status = ?, error = ?, summary_json = ?, finished_at = ? WHERE id = ?')
      .run(status, error ?? null, summary === undefined ? null : JSON.stringify(summary), this.now(), id);
    return this.get(id);
  }

  get(id: number): RunRecord {
    const r = this.db.prepare<[number], Row>('SELECT * FROM runs WHERE id = ?').get(id);
    if (!r) throw new NotFoundError(`no run with id ${id}`);
    return toRecord(r);
  }

  /** Newest first, optionally only the runs of one workspace. */
  list(opts: { limit?: number; workspaceName?: string } = {}): RunRecord[] {
    const limit = opts.limit ?? 1000;
    const rows = opts.workspaceName
      ? this.db.prepare<[string, number], Row>('SELECT * FROM runs WHERE workspace_name = ? ORDER BY id DESC LIMIT ?').all(opts.workspaceName, limit)
      : this.db.prepare<[number], Row>('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit);
    return rows.map(toRecord);
  }

  /**
   * Marks runs still `running` as `interrupted`. Only for a process that knows it owns every
   * run in this store (a run from a concurrent `twb run --db` would be wrongly closed).
   */
  interruptAll(): number {
    return this.db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'").run(this.now()).changes;
  }

  private assertRunning(id: number): void {
    const run = this.get(id);
    if (run.status !== 'running') throw new StoreError(`run ${id} is already ${run.status}`);
  }
}

function checkNs(ns: number): number {
  if (!Number.isSafeInteger(ns) || ns < 0) throw new StoreError(`simulatedNs: expected a non-negative integer, got ${ns}`);
  return ns;
}

function toRecord(r: Row): RunRecord {
  const stoppedAt = r.stopped_json === null || r.stopped_json === undefined ? null : (JSON.parse(r.stopped_json) as { condition: string; t: number });
  return {
    id: r.id,
    workspaceName: r.workspace_name,
    workspace: JSON.parse(r.workspace_json),
    seed: r.seed,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    status: stoppedAt && r.status === 'finished' ? 'stopped-at' : r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    simulatedNs: r.simulated_ns,
    summary: r.summary_json === null ? null : JSON.parse(r.summary_json),
    error: r.error,
    stoppedAt,
  };
}
