/**
 * Bounded memory and stored size of a long recorded run:
 * `node --import tsx test/reliability/long-run.ts [DURATION=20h] [SEED=1]`. Runs the seed
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

const durationNs = parseDuration(process.argv[2] ?? '20h');
const seed = Number(process.argv[3] ?? 1);
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
let rssPeakSampled = 0;
const h = startRun({ workspace, seed, durationNs }, (u) => {
  rec.onUpdate(u);
  rssPeakSampled = Math.max(rssPeakSampled, process.memoryUsage().rss);
});
const summary = await h.result;
rec.end(summary);
const counts = Object.fromEntries(['run_log', 'run_samples', 'run_lockups'].map((t) => [t, (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
store.close();
const stored = size() - empty;
const hours = durationNs / 3600e9;
const peakKiB = process.resourceUsage().maxRSS;
console.log(
  `${summary.status}: ${hours} simulated h in ${summary.wallSeconds.toFixed(1)} s wall; lost IPIs ${summary.lostIpis}, lockups ${summary.lockups.length}, log lines ${summary.log.length}\n` +
    `peak RSS ${(peakKiB / 1024).toFixed(1)} MiB (process incl. run worker; sampled during the run ${(rssPeakSampled / 2 ** 20).toFixed(1)} MiB)\n` +
    `stored ${stored} bytes for the run = ${Math.round(stored / hours)} bytes per simulated hour (${JSON.stringify(counts)})`,
);
fs.rmSync(dir, { recursive: true, force: true });
