import type { Database } from 'better-sqlite3';

/**
 * Numbered schema migrations: index i holds migration i+1. Append only; a shipped migration
 * never changes (a user's database may already be at that version).
 */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  // 1: workspaces with revisions, settings, runs.
  (db) =>
    db.exec(`
      CREATE TABLE workspaces (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        name        TEXT    NOT NULL UNIQUE,
        revision    INTEGER NOT NULL,
        doc         TEXT    NOT NULL,
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
      );
      CREATE TABLE workspace_revisions (
        workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        revision     INTEGER NOT NULL,
        doc          TEXT    NOT NULL,
        saved_at     TEXT    NOT NULL,
        PRIMARY KEY (workspace_id, revision)
      );
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace_name  TEXT    NOT NULL,
        workspace_json  TEXT    NOT NULL,
        seed            INTEGER NOT NULL,
        params_json     TEXT    NOT NULL DEFAULT '{}',
        status          TEXT    NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running','finished','failed','cancelled','interrupted')),
        started_at      TEXT    NOT NULL,
        finished_at     TEXT,
        simulated_ns    INTEGER NOT NULL DEFAULT 0,
        summary_json    TEXT,
        error           TEXT
      );
      CREATE INDEX runs_started ON runs(started_at DESC);
    `),
  // 2: run history recorded while a run executes (owner/heartbeat for crash recovery,
  // requested duration for re-runs, counters so far, kernel log, samples, lockups, AIE memories).
  (db) =>
    db.exec(`
      ALTER TABLE runs ADD COLUMN duration_ns   INTEGER;
      ALTER TABLE runs ADD COLUMN owner_pid     INTEGER;
      ALTER TABLE runs ADD COLUMN heartbeat_at  TEXT;
      ALTER TABLE runs ADD COLUMN counters_json TEXT;
      CREATE TABLE run_log (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        t_ns    INTEGER NOT NULL,
        text    TEXT    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE run_samples (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        t_ns    INTEGER NOT NULL,
        data    TEXT    NOT NULL,
        PRIMARY KEY (run_id, t_ns)
      ) WITHOUT ROWID;
      CREATE TABLE run_lockups (
        run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        t_ns       INTEGER NOT NULL,
        cpu        INTEGER NOT NULL,
        kind       TEXT    NOT NULL,
        waiting_on TEXT    NOT NULL,
        task       TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE run_memories (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        tile    TEXT    NOT NULL,
        kind    TEXT    NOT NULL,
        bytes   BLOB    NOT NULL,
        PRIMARY KEY (run_id, tile, kind)
      ) WITHOUT ROWID;
    `),
  // 3: sweeps (host/sweep): a grid of seeds × configurations with its definition, and one row
  // per stored run keyed by (sweep, configuration, seed) so a run delivered twice (a retried
  // queue job) is stored once. Each sweep run is also a `runs` row, so it opens like any run.
  (db) =>
    db.exec(`
      CREATE TABLE sweeps (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid            TEXT    NOT NULL UNIQUE,
        workspace_name  TEXT    NOT NULL,
        workspace_json  TEXT    NOT NULL,
        seeds           TEXT    NOT NULL,
        axes_json       TEXT    NOT NULL,
        set_json        TEXT    NOT NULL DEFAULT '{}',
        duration_ns     INTEGER NOT NULL,
        until           TEXT,
        queue           TEXT,
        total_runs      INTEGER NOT NULL,
        status          TEXT    NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running','finished','interrupted')),
        owner_pid       INTEGER,
        created_at      TEXT    NOT NULL,
        finished_at     TEXT
      );
      CREATE TABLE sweep_runs (
        sweep_id     INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
        config       TEXT    NOT NULL,
        seed         INTEGER NOT NULL,
        run_id       INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        result_json  TEXT    NOT NULL,
        wall_ms      REAL    NOT NULL,
        worker       TEXT    NOT NULL,
        stored_at    TEXT    NOT NULL,
        PRIMARY KEY (sweep_id, config, seed)
      ) WITHOUT ROWID;
    `),
  // 4: time travel (issue 16). A run ended by `--until` is stored `finished` with `stopped_json`
  // ({condition, t}), read back as status `stopped-at` (a CHECK constraint cannot be widened in
  // place). `run_timeline`: the per-CPU state changes of a run in encoded batches
  // (host/history/timeline-codec.ts), replayed on the drawing.
  (db) =>
    db.exec(`
      ALTER TABLE runs ADD COLUMN stopped_json TEXT;
      CREATE TABLE run_timeline (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        t_ns    INTEGER NOT NULL,
        data    BLOB    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
    `),
  // 5: time travel (issue 16). `call_trace`: a soft lockup's or hung task's `Call Trace:` (frames
  // innermost first, one a line; engine power9/call-trace.ts). `run_losses`: each lost IPI with
  // its episode (JSON, src-common RunLostIpi) as the run goes, so a run that ends without a
  // summary (its worker died, its process was killed) keeps the ones recorded up to then.
  (db) =>
    db.exec(`
      ALTER TABLE run_lockups ADD COLUMN call_trace TEXT;
      CREATE TABLE run_losses (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        t_ns    INTEGER NOT NULL,
        data    TEXT    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
    `),
];

export const SCHEMA_VERSION = MIGRATIONS.length;
