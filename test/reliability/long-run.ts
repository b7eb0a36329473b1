/**
 * Bounded memory and stored size of a long recorded run:
 * `node --import tsx test/reliability/long-run.ts [DURATION=20h] [SEED=1] [--doc]`. Runs the seed
 * workspace in the run worker with a RunRecorder on a fresh store (what `twb run --db` does)
 * and prints peak RSS and the stored bytes per simulated hour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../../src-common/parse/duration';
import { RunRecorder } from '../../src-main/host/history/recorder';
import { startRun } from '../../src-main/host/run/runner';
import { openStore } from '../../src-main/host/store';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import { args, report } from './doc';

const durationNs = parseDuration(args[0] ?? '20h');
const seed = Number(args[1] ?? 1);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-long-'));
const file = path.join(dir, 'long.db');
const size = () => {
  const s = openStore(file);
  s.db.pragma('wal_checkpoint(TRUNCATE)');
  s.db.exec('VACUUM');
  s.close();
  return fs.statSync(file).size;
};
openStore(file).close();
const empty = size();
const workspace = loadWorkspace('builtin:seed-power9-ipi');
const store = openStore(file);
const rec = RunRecorder.start(store, { workspaceName: workspace.name, workspace, seed, durationNs });
const h = startRun({ workspace, seed, durationNs }, (u) => {
  rec.onUpdate(u);
});
const summary = await h.result;
rec.end(summary);
const counts = Object.fromEntries(['run_log', 'run_samples', 'run_lockups'].map((t) => [t, (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
store.close();
const stored = size() - empty;
const hours = durationNs / 3600e9;
const peakKiB = process.resourceUsage().maxRSS;
report('long-run', [
  `\`long-run.ts ${args[0] ?? '20h'} ${seed}\` (the seed workspace, recorded as \`twb run --db\` records it): ${summary.status}, ${hours} simulated hours in ${summary.wallSeconds.toFixed(1)} s wall; lost IPIs ${summary.lostIpis}, lockups ${summary.lockups.length}, log lines ${summary.log.length}`,
  `peak RSS ${(peakKiB / 1024).toFixed(0)} MiB for the whole process (CLI and run worker)`,
  `stored ${stored.toLocaleString('en')} bytes for the run = **${Math.round(stored / hours).toLocaleString('en')} bytes per simulated hour** (rows: ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')}; samples are capped at 1,000 per run)`,
]);
fs.rmSync(dir, { recursive: true, force: true });
