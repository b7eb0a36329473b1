/**
 * The longest stall another client sees: `npx tsx test/reliability/stall.ts [ROUNDS=2]`.
 * Starts `twb serve --port 0 --db TEMP`. Client A sends the heaviest requests the limits allow
 * (a device run with 64 MiB of loopback, a 12.5 MiB AIE partition read, a large hwloc import,
 * a workspace of 16,384 vCPUs run and stopped, its report, cpusets at their length limit), one
 * after another; client B asks `app.info` every 20 ms meanwhile. Prints B's latency p50 / p99 /
 * max, each heavy request's wall time and outcome, and the server's peak RSS (VmHWM). Exits 1 if
 * the server dies or B's p99 is over 100 ms. Timings are the machine's: `--doc` writes them with the load
 * into docs/reliability.md.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { exportHwlocXml } from '../../src-main/host/import/hwloc';
import { loadWorkspace } from '../../src-main/host/workspace/load';
import { LIMITS } from '../../src-common/parse/limits';
import { args, peakRssMiB, report } from './doc';

const rounds = Number(args[0] ?? 2);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-stall-'));
const child = spawn(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'serve', '--port', '0', '--db', path.join(dir, 'stall.db')], { stdio: ['ignore', 'pipe', 'inherit'] });
let died = false;
child.once('exit', () => (died = true));
// Whatever happens to this script, the server it started goes with it.
process.on('exit', () => child.kill('SIGKILL'));
const stop = () => {
  child.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
};
const watchdog = setTimeout(
  () => {
    console.error('stall: gave up after 15 min');
    stop();
    process.exit(1);
  },
  15 * 60_000,
);

const url = await new Promise<URL>((resolve) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const line = out.split('\n').find((l) => l.startsWith('http://'));
    if (line) resolve(new URL(line.trim()));
  });
});

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
}
async function connect(): Promise<(method: string, arg?: unknown) => Promise<Reply>> {
  const ws = new WebSocket(`ws://127.0.0.1:${url.port}/bridge?token=${url.searchParams.get('token')}`, { maxPayload: 64 << 20 });
  await new Promise((r) => ws.once('open', r));
  const pending = new Map<number, (r: Reply) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as Reply;
    if (typeof m.id === 'number') pending.get(m.id)?.(m);
  });
  let next = 1;
  return (method, arg) =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, (r) => (pending.delete(id), resolve(r)));
      ws.send(JSON.stringify({ id, method, arg }));
    });
}

const heavy = await connect();

// The heaviest inputs the limits allow.
const devices = loadWorkspace('builtin:devices-demo');
const aieDoc = loadWorkspace('builtin:aie-demo');
aieDoc.devices.aie = { columns: 50, rows: 9, partitions: [{ name: 'all', startCol: 0, numCols: 50 }] };
aieDoc.devices.dmabuf = { exporters: [], importers: [] };
// 16,384 vCPUs (the limit) on the seed's 128-CPU host: its run takes seconds to build and start.
const big = loadWorkspace('builtin:seed-power9-ipi');
const g = { ...big.guests[0], vcpupin: [], smp: { sockets: 4, cores: 256, threads: 4 } };
big.guests = [0, 1, 2, 3].map((i) => ({ ...g, name: `big${i}` }));
big.workloads = big.guests.map((x) => ({ target: x.name, command: 'stress --cpu 64 --vm 16 --vm-bytes 64M' }));
// The largest host: 16 sockets × 24 SMT4 cores.
const largest = { ...big.host, sockets: Array.from({ length: 16 }, () => ({ cores: 24, memoryBytes: 64 * 2 ** 30 })) };
const hwloc = exportHwlocXml(largest);
const cpusetDoc = loadWorkspace('builtin:seed-power9-ipi');
const longCpuset = Array.from({ length: 5000 }, (_, i) => String(i % 128)).join(',').slice(0, LIMITS.cpusetChars.value).replace(/,$/, '');
// As many pins with a cpuset at its own length limit as the document's total allows.
cpusetDoc.guests[0].vcpupin = cpusetDoc.guests[0].vcpupin.slice(0, Math.floor(LIMITS.cpusetCharsTotal.value / longCpuset.length)).map((p) => ({ ...p, cpuset: longCpuset }));

const ws = (await heavy('workspaces.create', { name: 'big', doc: big })) as Reply & { value: { id: number } };
if (!ws.ok) throw new Error(`workspaces.create: ${ws.error?.message}`);
const steps: { name: string; call: () => Promise<Reply> }[] = [
  { name: 'devices.snapshot 2 × 32M loopback, 1 s', call: () => heavy('devices.snapshot', { document: devices, after: '1s', loopback: '32M' }) },
  { name: 'aie.readPartitionMemory 50 × 8 tiles', call: () => heavy('aie.readPartitionMemory', { doc: aieDoc, partition: 'all', mem: 'data', after: '1ms' }) },
  { name: `transfer.importHwloc ${(hwloc.length / 1024).toFixed(0)} KB`, call: () => heavy('transfer.importHwloc', { text: hwloc }) },
  { name: `workspaces.create, ${cpusetDoc.guests[0].vcpupin.length} cpusets of 16 K characters (the document's total)`, call: () => heavy('workspaces.create', { name: `cpusets ${Math.random()}`, doc: cpusetDoc }) },
  {
    name: 'runs.start 16,384 vCPUs, 3 s, runs.stop',
    call: async () => {
      const r = (await heavy('runs.start', { workspaceId: ws.value.id, duration: '1h', seed: 1 })) as Reply & { value: { runId: number } };
      if (!r.ok) return r;
      await new Promise((res) => setTimeout(res, 3000));
      await heavy('runs.stop', { runId: r.value.runId });
      while (((await heavy('runs.active')).value as { state?: string } | null)?.state === 'running') await new Promise((res) => setTimeout(res, 200));
      return heavy('runs.report', { ids: [r.value.runId], format: 'html' });
    },
  },
];

// The probing client runs on its own thread: the heavy client's parsing of a 17 MB reply must
// not be counted as the server's stall.
const probe = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const WebSocket = require(workerData.ws);
   const ws = new WebSocket(workerData.url);
   const latencies = [];
   let measuring = true, id = 0;
   parentPort.on('message', () => (measuring = false));
   ws.on('open', async () => {
     while (measuring) {
       const t0 = performance.now();
       const want = ++id;
       // Pushed events (another client's workspaces.create) arrive here too: wait for the reply.
       const reply = await new Promise((resolve) => {
         const on = (d) => { const m = JSON.parse(d.toString()); if (m.id === want) { ws.off('message', on); resolve(m); } };
         ws.on('message', on);
         ws.send(JSON.stringify({ id: want, method: 'app.info' }));
       });
       if (!reply.ok) throw new Error('app.info failed: ' + reply.error.message);
       latencies.push([Date.now(), performance.now() - t0]);
       await new Promise((r) => setTimeout(r, 20));
     }
     parentPort.postMessage(latencies);
     ws.close();
   });`,
  { eval: true, workerData: { ws: createRequire(import.meta.url).resolve('ws'), url: `ws://127.0.0.1:${url.port}/bridge?token=${url.searchParams.get('token')}` } },
);
const latencies = new Promise<[number, number][]>((resolve) => probe.once('message', resolve));
/** Wall-clock window of each heavy request, to tell which one a slow app.info overlapped. */
const windows: { name: string; from: number; to: number }[] = [];

let requests = 0;
/** Per heavy request: its wall times (one per round) and its last outcome. */
const results = new Map<string, { seconds: number[]; outcome: string }>();
for (let round = 0; round < rounds; round++)
  for (const s of steps) {
    const t0 = performance.now();
    const from = Date.now();
    const r = await s.call();
    windows.push({ name: s.name, from, to: Date.now() });
    requests++;
    const seconds = (performance.now() - t0) / 1000;
    const outcome = r.ok ? 'ok' : `${r.error?.name}: ${r.error?.message.slice(0, 100)}`;
    console.log(`${s.name.padEnd(48)} ${seconds.toFixed(1).padStart(6)} s  ${outcome}`);
    results.set(s.name, { seconds: [...(results.get(s.name)?.seconds ?? []), seconds], outcome });
  }
probe.postMessage('stop');
const samples = await latencies;
const sorted = samples.map(([, ms]) => ms).sort((a, b) => a - b);
const perStep = steps.map((s) => {
  const ms = windows
    .filter((w) => w.name === s.name)
    .flatMap((w) => samples.filter(([at, ms]) => at - ms >= w.from - 1 && at <= w.to + 1).map(([, ms]) => ms))
    .sort((a, b) => a - b);
  const r = results.get(s.name)!;
  const stall = ms.length ? `${ms.length} app.info meanwhile, p99 ${ms[Math.floor(0.99 * (ms.length - 1))].toFixed(0)} ms, longest ${ms[ms.length - 1].toFixed(0)} ms` : 'no app.info completed meanwhile';
  return `${s.name}: ${r.seconds.map((x) => x.toFixed(1)).join(', ')} s, ${r.outcome}; ${stall}`;
});
const hwm = peakRssMiB(child.pid);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(0);
report('stall', [
  `\`stall.ts ${rounds}\`: ${requests} heavy requests from one client (${rounds} rounds of the ${steps.length} below), another client on its own thread asking \`app.info\` every 20 ms meanwhile: **${sorted.length} answered, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, longest ${pct(1)} ms**`,
  ...perStep.map((x) => `  ${x}`),
  `crashes of the server: ${died ? 1 : 0}; its peak RSS (VmHWM: main thread, job threads and run workers) ${hwm.toFixed(0)} MiB`,
]);
clearTimeout(watchdog);
stop();
process.exit(died || Number(pct(0.99)) > 100 ? 1 : 0);
