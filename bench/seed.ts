/**
 * The seed soak: 20 simulated hours of builtin:seed-power9-ipi with the fixed kernel
 * (kernel.barriers=both), in process. Target ≤ 10 s wall on a 2-core machine; reports peak RSS.
 */
import { buildRun } from '../src-main/engine/run/build';
import { loadWorkspace } from '../src-main/host/workspace/load';
import type { Metric } from './metric';

export function benchSeed(hours = 20): Metric[] {
  const ws = loadWorkspace('builtin:seed-power9-ipi');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const run = buildRun(ws, { seed: 1, set: { 'kernel.barriers': 'both' } });
  run.sim.runUntil(hours * 3600e9);
  const s = run.summary({ wallSeconds: 0 });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return [
    { name: `seed.fixed_${hours}h.wall_s`, value: Math.round(wall * 100) / 100, unit: 's' },
    // CPU time of the run: what the wall time would be on an otherwise idle machine (single-threaded).
    { name: `seed.fixed_${hours}h.cpu_s`, value: Math.round((cpu.user + cpu.system) / 1e4) / 100, unit: 's' },
    { name: `seed.fixed_${hours}h.lost_ipis`, value: s.lostIpis, unit: 'count' },
    { name: `seed.fixed_${hours}h.broadcasts`, value: s.ipis.broadcasts, unit: 'count' },
    { name: 'seed.peak_rss_mb', value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MiB' },
  ];
}
