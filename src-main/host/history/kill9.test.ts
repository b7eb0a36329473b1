import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishedRuns, killTrial } from '../../../test/reliability/kill9-lib';

// Quick variant of test/reliability/kill9.ts (20 random kills, figures in docs/reliability.md).
describe('kill -9 of twb run --db', () => {
  it('keeps the store intact, finished runs unchanged, and marks the killed run interrupted', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-kill9q-'));
    const db = path.join(dir, 'k.db');
    // A finished run first (kill far beyond its end), then a kill mid-run.
    const done = await killTrial(db, 60_000, '1m');
    expect(done).toMatchObject({ finishedFirst: true, integrity: 'ok', finishedRuns: 1, leftRunning: 0 });
    const before = finishedRuns(db);
    // Killed 3 s after its run row appeared: mid-run (1,000 simulated hours take minutes), after a flush.
    const t = await killTrial(db, 3000, '1000h', true);
    expect(t).toMatchObject({ finishedFirst: false, integrity: 'ok', finishedIntact: true, interruptedOnReopen: 1, leftRunning: 0 });
    expect(finishedRuns(db)).toEqual(before);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
