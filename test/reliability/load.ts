/**
 * The browser-mode load figure: `npx tsx test/reliability/load.ts [CLIENTS=50] [ROUNDS=5] [BAD=1000]`.
 * Starts `twb serve --port 0 --db TEMP`, runs CLIENTS authenticated WebSocket clients (each
 * ROUNDS × app.info, workspaces.list, workspaces.create, workspaces.get) alongside BAD
 * unauthenticated attempts on the page and the WebSocket upgrade, all on 127.0.0.1, then stops
 * the server. Exits 1 if any unauthenticated attempt is accepted (or not clearly refused) or any
 * authenticated request fails; gives up after 10 min.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { args, peakRssMiB, report } from './doc';
import { REQUESTS_PER_ROUND, fuzzTargets, runLoad } from './load-lib';

const clients = Number(args[0] ?? 50);
const rounds = Number(args[1] ?? 5);
const badAttempts = Number(args[2] ?? 1000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-load-'));
const child = spawn(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'serve', '--port', '0', '--db', path.join(dir, 'load.db')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let exited = false;
child.once('exit', () => (exited = true));
// Whatever happens to this script, the server it started goes with it.
process.on('exit', () => child.kill('SIGKILL'));
const stop = () => {
  child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
};
const watchdog = setTimeout(() => {
  console.error('load: gave up after 10 min');
  stop();
  process.exit(1);
}, 600_000);

const url = await new Promise<URL>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const line = out.split('\n').find((l) => l.startsWith('http://'));
    if (line) resolve(new URL(line.trim()));
  });
  child.once('exit', (code) => reject(new Error(`twb serve exited (${code}) before printing its URL`)));
});
if (url.hostname !== '127.0.0.1') throw new Error(`twb serve printed a non-loopback URL: ${url.href}`);

const port = Number(url.port);
const token = url.searchParams.get('token') ?? '';
// Alongside the load: a client that never reads its replies (closed by the server once it takes
// none for 10 s), then random malformed targets without a token. The clients all live in this
// process: its own longest event-loop block is reported, since a request's timer that expires
// while this process is blocked fails it whatever the host did.
const selfDelay = monitorEventLoopDelay({ resolution: 10 });
selfDelay.enable();
const [r, slow] = await Promise.all([runLoad({ port, token, clients, rounds, badAttempts }), slowReaderProcess(port, token, 300)]);
selfDelay.disable();
const targets = await fuzzTargets({ port, count: badAttempts, seed: 20261122 });
const alive = await runLoad({ port, token, clients: 1, rounds: 1, badAttempts: 0, prefix: 'after' });
const peak = peakRssMiB(child.pid);
const crashed = exited;
stop();
clearTimeout(watchdog);

/** The slow reader in its own process (slow-reader.ts): queueing its requests blocks it for seconds. */
function slowReaderProcess(port: number, token: string, requests: number): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/reliability/slow-reader.ts'), String(port), token, String(requests)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as { code: number; reason: string });
      } catch {
        resolve({ code: 0, reason: `the slow reader printed no result: ${out.slice(0, 200)}` });
      }
    });
  });
}

const asked = clients * rounds * REQUESTS_PER_ROUND;
const kinds = Object.entries(r.byKind).map(([kind, outcomes]) => `${kind}: ${Object.entries(outcomes).map(([k, n]) => `${n} × ${k}`).join(', ')}`);
report('load', [
  `\`load.ts ${clients} ${rounds} ${badAttempts}\`: ${clients} authenticated WebSocket clients × ${rounds * REQUESTS_PER_ROUND} requests = ${asked}: **${r.served} served, ${r.failed} failed**; latency p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, longest ${r.maxMs} ms, while the unauthenticated attempts run; ${(r.wallMs / 1000).toFixed(1)} s wall; the probe's own longest event-loop block ${Math.round(selfDelay.max / 1e6)} ms`,
  `${badAttempts} unauthenticated attempts (foreign Host/Origin, no or wrong token, the token as a cookie, malformed targets), ${Object.keys(r.byKind).length} kinds in turn: **${r.refused} refused, ${r.accepted} accepted**, ${r.other} other`,
  ...kinds.map((k) => `  ${k}`),
  `a client that never reads its replies (up to 300 requests of ~300 KB replies): closed with ${slow.code} '${slow.reason}'`,
  `${badAttempts} random malformed request targets without a token over raw TCP: statuses ${Object.entries(targets.statuses).map(([k, n]) => `${n} × ${k}`).join(', ')}; ${targets.dropped} dropped unanswered; served afterwards: ${alive.failures.length === 0 ? 'yes' : alive.failures.join('; ')}`,
  `crashes of the server: ${crashed ? 1 : 0}; its peak RSS (VmHWM) ${peak.toFixed(0)} MiB`,
]);
for (const f of r.failures.slice(0, 10)) console.log(`  FAIL ${f}`);
const ok = !crashed && r.accepted === 0 && r.other === 0 && r.refused === badAttempts && r.failed === 0 && r.served === asked && slow.code === 1008 && targets.dropped === 0 && alive.failures.length === 0;
console.log(ok ? 'OK' : 'FAIL');
process.exit(ok ? 0 : 1);
