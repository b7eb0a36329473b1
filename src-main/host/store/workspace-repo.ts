import type { Database } from 'better-sqlite3';
import type { WorkspaceRecord, WorkspaceSummary } from '../../../src-common/bridge/areas/workspaces';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import { ConflictError, NotFoundError } from './errors';

// The wire types of the workspaces area, declared once in src-common.
export type { WorkspaceRecord, WorkspaceSummary };

interface Row {
  id: number;
  name: string;
  revision: number;
  doc: string;
  created_at: string;
  updated_at: string;
}

/** Older revisions kept per workspace (autosave writes often; history is for recovery, not an archive). */
export const KEPT_REVISIONS = 50;

/**
 * Named workspace documents. The row's name is always the document's `name`, unique.
 * Every write validates the document first, so a bad document changes nothing.
 */
export class WorkspaceRepo {
  constructor(
    private readonly db: Database,
    private readonly now: () => string,
  ) {}

  list(): WorkspaceSummary[] {
    return this.db
      .prepare<[], Row>('SELECT id, name, revision, updated_at FROM workspaces ORDER BY name COLLATE NOCASE, id')
      .all()
      .map((r) => ({ id: r.id, name: r.name, revision: r.revision, updatedAt: r.updated_at }));
  }

  get(id: number): WorkspaceRecord {
    const r = this.db.prepare<[number], Row>('SELECT * FROM workspaces WHERE id = ?').get(id);
    if (!r) throw new NotFoundError(`no workspace with id ${id}`);
    return toRecord(r);
  }

  find(id: number): WorkspaceRecord | undefined {
    const r = this.db.prepare<[number], Row>('SELECT * FROM workspaces WHERE id = ?').get(id);
    return r && toRecord(r);
  }

  create(doc: Workspace): WorkspaceRecord {
    const valid = parseWorkspace(doc);
    return this.db.transaction(() => {
      this.assertNameFree(valid.name);
      const t = this.now();
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO workspaces (name, revision, doc, created_at, updated_at) VALUES (?, 1, ?, ?, ?)')
        .run(valid.name, JSON.stringify(valid), t, t);
      const id = Number(lastInsertRowid);
      this.keepRevision(id, 1, valid, t);
      return this.get(id);
    })();
  }

  /**
   * Stores a new revision of `id`. `baseRevision` is the revision the caller edited; if the
   * stored one moved on meanwhile (another window saved), the save is refused.
   */
  save(id: number, baseRevision: number, doc: Workspace): WorkspaceRecord {
    const valid = parseWorkspace(doc);
    return this.db.transaction(() => {
      const cur = this.get(id);
      if (cur.revision !== baseRevision)
        throw new ConflictError(`workspace '${cur.name}' is at revision ${cur.revision}, not ${baseRevision} (changed elsewhere)`);
      if (valid.name !== cur.name) this.assertNameFree(valid.name, id);
      const revision = cur.revision + 1;
      const t = this.now();
      this.db
        .prepare('UPDATE workspaces SET name = ?, revision = ?, doc = ?, updated_at = ? WHERE id = ?')
        .run(valid.name, revision, JSON.stringify(valid), t, id);
      this.keepRevision(id, revision, valid, t);
      return this.get(id);
    })();
  }

  /** Renames the workspace (row and document) as a new revision. */
  rename(id: number, name: string): WorkspaceRecord {
    return this.db.transaction(() => {
      const cur = this.get(id);
      return this.save(id, cur.revision, { ...cur.doc, name });
    })();
  }

  /** Copies a workspace under `name` (default: "NAME copy", "NAME copy 2", …). */
  duplicate(id: number, name?: string): WorkspaceRecord {
    return this.db.transaction(() => {
      const src = this.get(id);
      return this.create({ ...src.doc, name: name ?? this.freeName(`${src.name} copy`) });
    })();
  }

  delete(id: number): void {
    const { changes } = this.db.prepare('DELETE FROM workspaces WHERE id = ?').run(id);
    if (changes === 0) throw new NotFoundError(`no workspace with id ${id}`);
  }

  /** Stored revisions of one workspace, newest first. */
  revisions(id: number): { revision: number; savedAt: string }[] {
    this.get(id);
    return this.db
      .prepare<[number], { revision: number; saved_at: string }>(
        'SELECT revision, saved_at FROM workspace_revisions WHERE workspace_id = ? ORDER BY revision DESC',
      )
      .all(id)
      .map((r) => ({ revision: r.revision, savedAt: r.saved_at }));
  }

  /** `base`, or `base 2`, `base 3`, … whichever is not taken yet. */
  freeName(base: string): string {
    const taken = new Set(this.db.prepare<[], { name: string }>('SELECT name FROM workspaces').all().map((r) => r.name));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const r = this.db.prepare<[string], { id: number }>('SELECT id FROM workspaces WHERE name = ?').get(name);
    if (r && r.id !== exceptId) throw new ConflictError(`a workspace named '${name}' already exists`);
  }

  private keepRevision(id: number, revision: number, doc: Workspace, t: string): void {
    this.db.prepare('INSERT INTO workspace_revisions (workspace_id, revision, doc, saved_at) VALUES (?, ?, ?, ?)').run(id, revision, JSON.stringify(doc), t);
    this.db.prepare('DELETE FROM workspace_revisions WHERE workspace_id = ? AND revision <= ?').run(id, revision - KEPT_REVISIONS);
  }
}

function toRecord(r: Row): WorkspaceRecord {
  return { id: r.id, name: r.name, revision: r.revision, doc: JSON.parse(r.doc) as Workspace, createdAt: r.created_at, updatedAt: r.updated_at };
}
