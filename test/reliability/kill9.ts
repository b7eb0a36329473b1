/**
 * The kill -9 reliability figure: `node --import tsx test/reliability/kill9.ts [TRIALS] [MAX_MS]`.
 * Each trial starts a 1,000-hour run (it cannot end by itself within MAX_MS) and kills
 * `twb run --db` at a uniformly random moment in [0, MAX_MS] ms after its run row appeared (so
 * always mid-run); every fourth trial is a short run left to finish, so the set of finished runs
 * to protect grows.
 * Exits 1 on any failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { args, report } from './doc';
import { killTrial } from './kill9-lib';

const trials = Number(args[0] ?? 20);
const maxMs = Number(args[1] ?? 12_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-kill9-'));
const db = path.join(dir, 'kill9.db');
let bad = 0;
let killedMidRun = 0;
let intact = 0;
let integrityOk = 0;
let leftRunning = 0;
let finishedRuns = 0;
// Deterministic moments (LCG) so a failing series can be replayed.
let x = 12345;
const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
let interrupted = 0;
let worstUnflushed = 0;
for (let i = 1; i <= trials; i++) {
  // Every fourth trial is a short run left to finish, so the set of finished runs to protect grows.
  const short = i % 4 === 0;
  const ms = short ? 120_000 : Math.round(rnd() * maxMs);
  const t = await killTrial(db, ms, short ? '10m' : '1000h', !short);
  interrupted += t.interruptedOnReopen;
  if (t.unflushedMs != null) worstUnflushed = Math.max(worstUnflushed, t.unflushedMs);
  const ok = t.integrity.startsWith('ok') && t.finishedIntact && t.leftRunning === 0;
  if (!ok) bad++;
  if (!t.finishedFirst) killedMidRun++;
  if (t.finishedIntact) intact++;
  if (t.integrity.startsWith('ok')) integrityOk++;
  leftRunning += t.leftRunning;
  finishedRuns = t.finishedRuns;
  console.log(`trial ${String(i).padStart(2)}: kill ${String(ms).padStart(5)} ms after ${short ? 'spawn' : 'the run started'}${t.finishedFirst ? ' (run had finished)' : ''}${t.unflushedMs != null ? ` (${t.unflushedMs} ms since its last flush)` : ''} → integrity ${t.integrity}, ${t.finishedRuns} finished runs ${t.finishedIntact ? 'intact' : 'CHANGED'}, ${t.interruptedOnReopen} marked interrupted, ${t.leftRunning} left running ${ok ? '' : '  FAIL'}`);
}
report('kill9', [
  `${trials} trials (\`kill9.ts ${trials} ${maxMs}\`): ${killedMidRun} runs of 1,000 simulated hours killed with SIGKILL 0–${(maxMs / 1000).toFixed(0)} s after their run started, ${trials - killedMidRun} short runs left to finish`,
  `**${trials - bad} of ${trials} ok**: \`PRAGMA integrity_check\` = ok ${integrityOk} times; the finished runs (${finishedRuns} at the end) byte-identical (sha256 of row and detail) after ${intact} of ${trials} kills; ${interrupted} killed runs marked \`interrupted\` on the next open, ${leftRunning} left \`running\``,
  `at most ${(worstUnflushed / 1000).toFixed(1)} s of wall time unflushed at a kill (the recorder flushes every 2 s)`,
]);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(bad ? 1 : 0);
