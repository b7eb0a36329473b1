import { z } from 'zod';
import { workspaceSchema, type Workspace } from '../../workspace';
import { area, event, method } from '../define';

export interface WorkspaceSummary {
  id: number;
  name: string;
  revision: number;
  updatedAt: string;
}

export interface WorkspaceRecord extends WorkspaceSummary {
  doc: Workspace;
  createdAt: string;
}

const id = z.number().int().positive();
const name = z.string().trim().min(1, 'expected a non-empty name').max(200);

/** Named workspace documents kept in the store, with revisions for autosave. */
export const workspacesArea = area({
  methods: {
    'workspaces.list': method<WorkspaceSummary[]>()(z.undefined()),
    'workspaces.get': method<WorkspaceRecord>()(z.strictObject({ id })),
    /** A new workspace: empty, a copy of a built-in (`builtin` = NAME of `builtin:NAME`), or a given document. */
    'workspaces.create': method<WorkspaceRecord>()(
      z.strictObject({ name, builtin: z.string().min(1).max(64).optional(), doc: workspaceSchema.optional() }),
    ),
    'workspaces.rename': method<WorkspaceRecord>()(z.strictObject({ id, name })),
    /** Copies a workspace; without `name` it becomes "NAME copy" (or "NAME copy 2", …). */
    'workspaces.duplicate': method<WorkspaceRecord>()(z.strictObject({ id, name: name.optional() })),
    'workspaces.delete': method<null>()(z.strictObject({ id })),
    /** Stores `doc` as the revision after `revision`; a ConflictError if the stored one moved on. */
    'workspaces.save': method<WorkspaceSummary>()(z.strictObject({ id, revision: z.number().int().positive(), doc: workspaceSchema })),
    /** The workspace the user had open last (reopened on start), if it still exists. */
    'workspaces.lastOpened': method<{ id: number } | null>()(z.undefined()),
    'workspaces.setLastOpened': method<null>()(z.strictObject({ id: id.nullable() })),
  },
  events: {
    /** The list changed (created, renamed, duplicated, deleted, saved) — possibly by another window. */
    onWorkspacesChanged: event<{ id: number; change: 'created' | 'renamed' | 'deleted' | 'saved' }>(),
  },
});
