/**
 * Concurrent writers on one store: `node --import tsx test/reliability/writers.ts [WRITERS=3] [RUNS=4] [--doc]`.
 * WRITERS `twb run --db` processes record RUNS runs each into the same new store at the same
 * time (each run flushes its log and samples while it executes), while `twb runs list` reads it
 * in a loop. Then: every process exited 0, every run is stored `finished` with its summary,
 * `PRAGMA integrity_check` is ok. Exits 1 otherwise.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { args, report } from './doc';
import { TWB } from './kill9-lib';

const writers = Number(args[0] ?? 3);
const runs = Number(args[1] ?? 4);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-writers-'));
const db = path.join(dir, 'writers.db');

/** Runs twb; resolves with its exit code and stderr. */
function twb(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TWB, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

// The store exists before the writers start (twb run creates it; two creating it at once is not this test).
const first = await twb(['run', 'builtin:seed-power9-ipi', '--duration', '1m', '--db', db, '--no-progress']);
if (first.code !== 0) throw new Error(`twb run (creating the store) failed: ${first.stderr}`);

const t0 = performance.now();
const failures: string[] = [];
let reads = 0;
let writing = true;
const reader = (async () => {
  while (writing) {
    const r = await twb(['runs', 'list', '--db', db]);
    reads++;
    if (r.code !== 0) failures.push(`twb runs list: exit ${r.code}: ${r.stderr.trim()}`);
  }
})();
await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < runs; i++) {
      const r = await twb(['run', 'builtin:seed-power9-ipi', '--duration', '20h', '--seed', String(100 * w + i + 1), '--db', db, '--no-progress']);
      if (r.code !== 0) failures.push(`writer ${w} run ${i}: exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`);
    }
  }),
);
writing = false;
await reader;
const wall = (performance.now() - t0) / 1000;

const d = new Database(db, { readonly: true });
const integrity = d.pragma('integrity_check', { simple: true }) as string;
const byStatus = Object.fromEntries(d.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all().map((r) => [r.status, r.n]));
const noSummary = (d.prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'finished' AND summary_json IS NULL").get() as { n: number }).n;
d.close();
fs.rmSync(dir, { recursive: true, force: true });

const expected = writers * runs + 1;
const ok = failures.length === 0 && integrity === 'ok' && byStatus.finished === expected && noSummary === 0 && Object.keys(byStatus).length === 1;
report('writers', [
  `${writers} \`twb run --db\` processes × ${runs} runs of 20 simulated hours each into one store at once, with \`twb runs list\` reading it meanwhile (${reads} reads); ${wall.toFixed(0)} s wall`,
  `runs stored: ${JSON.stringify(byStatus)} (expected ${expected} finished, counting the run that created the store), ${noSummary} finished without a summary; \`PRAGMA integrity_check\`: ${integrity}`,
  `failed commands: ${failures.length}${failures.length ? ` (${failures.slice(0, 3).join('; ')})` : ''}`,
]);
console.log(ok ? 'OK' : 'FAIL');
process.exit(ok ? 0 : 1);
