import type { EditResult } from './edits';
import type { Workspace } from '../../src-common/workspace';

/** Test helpers for edits.ts and edits-placement.ts: what an edit produced, or why it was refused. */

/** The document an accepted edit produced; throws with the refusal otherwise. */
export function ok(r: EditResult): Workspace {
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.doc;
}

/** The refusal (field and message); throws if the edit was accepted. */
export function refused(r: EditResult): Extract<EditResult, { ok: false }> {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}
