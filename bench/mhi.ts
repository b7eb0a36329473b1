/**
 * Benchmark of the MHI model: `twb mhi loopback --bytes 64M` (target ≤ 2 s wall),
 * measured in process (engine + sha256 of both sides, best of a few after a warm-up) and as the
 * whole command including Node + tsx start-up; plus the simulated throughput it reports.
 *
 *   node --import tsx bench/mhi.ts          (or through bench/run.ts)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackReport, type LoopbackCliOptions } from '../src-main/cli/commands/mhi';
import { best } from './metric';

const defaults: LoopbackCliOptions = { bytes: '64M', mtu: '0x1000', ring: '32', seed: '1', pcieGen: '3', pcieWidth: '1', controller: 'mhi0' };

/** Metric name → value; `*_ms` are milliseconds of wall time. */
export function benchMhi(): Record<string, number> {
  const out: Record<string, number> = {};
  let mbps = 0;
  out['mhi.loopback_64M.wall_ms'] = round(
    best(2, () => {
      const r = loopbackReport(defaults);
      if (r.bytesRead !== 64 * 1024 * 1024 || r.sha256Read !== r.sha256Written) throw new Error(`mhi loopback lost data: ${JSON.stringify(r)}`);
      mbps = r.throughputMBps;
    }),
  );
  out['mhi.loopback_64M.sim_mb_per_s'] = mbps;
  // CPU time of one in-process run: robust when other processes share the cores.
  const cpu0 = process.cpuUsage();
  loopbackReport(defaults);
  const cpu = process.cpuUsage(cpu0);
  out['mhi.loopback_64M.cpu_ms'] = round((cpu.user + cpu.system) / 1000);
  const twb = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/twb.js');
  const t0 = performance.now();
  execFileSync(process.execPath, [twb, 'mhi', 'loopback', '--bytes', '64M'], { stdio: 'ignore' });
  out['mhi.loopback_64M_cli.wall_ms'] = round(performance.now() - t0);
  // For comparison: the CLI's start-up alone (Node + tsx + every command module).
  const t1 = performance.now();
  execFileSync(process.execPath, [twb, '--version'], { stdio: 'ignore' });
  out['mhi.cli_startup.wall_ms'] = round(performance.now() - t1);
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(benchMhi())) console.log(`${k} ${v}`);
}
