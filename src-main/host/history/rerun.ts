import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import type { ParamValues } from '../../engine/core';
import { openStore, StoreError } from '../store';

export interface RerunInput {
  workspace: Workspace;
  seed: number;
  durationNs: number;
  set: ParamValues;
}

/**
 * What a stored run was simulated with: its workspace snapshot, seed, `--set` overrides and
 * requested duration, ready to be run again (same engine ⇒ same trace).
 */
export function rerunInput(dbFile: string, runIdText: string): RerunInput {
  const id = parseRunId(runIdText);
  const store = openStore(dbFile);
  try {
    const run = store.runs.get(id);
    const { durationNs } = store.history.extras(id);
    // Runs stored before duration was recorded: the simulated time of a finished run is its duration.
    const duration = durationNs ?? (run.status === 'finished' ? run.simulatedNs : null);
    if (!duration) throw new StoreError(`run ${id}: its requested duration was not recorded, so it cannot be re-run exactly`);
    let workspace: Workspace;
    try {
      workspace = parseWorkspace(run.workspace);
    } catch (e) {
      throw new StoreError(`run ${id}: its stored workspace no longer validates: ${(e as Error).message}`, { cause: e });
    }
    return { workspace, seed: run.seed, durationNs: duration, set: run.params as ParamValues };
  } finally {
    store.close();
  }
}

/** A run id as typed on the command line: a positive integer, optionally written `#12`. */
export function parseRunId(text: string): number {
  const m = /^#?(\d+)$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new StoreError(`run id: expected a positive integer, got '${text}'`);
  return n;
}
