/**
 * Benchmark of the dma-buf model: `twb dmabuf stress --buffers 16 --workers 8
 * --jobs 5000` (target ≤ 1 s wall), measured in process (best of a few after a warm-up, both
 * policies) and as the whole command including Node start-up.
 *
 *   node --import tsx bench/dmabuf.ts          (or through bench/run.ts)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStress, type WwPolicy } from '../src-main/engine/dmabuf';
import { best } from './metric';

/** Metric name → value; `*_ms` are milliseconds of wall time. */
export function benchDmabuf(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const mode of ['wait-die', 'wound-wait'] as WwPolicy[]) {
    let jobsPerSimS = 0;
    let backoffs = 0;
    out[`dmabuf.stress_16x8x5000_${mode}.wall_ms`] = round(
      best(3, () => {
        const r = runStress({ buffers: 16, workers: 8, jobs: 5000, mode, seed: 1 }).result;
        if (r.completedJobs !== 5000 || r.deadlocks || r.orderViolations) throw new Error(`dmabuf stress (${mode}) broke an invariant: ${JSON.stringify(r)}`);
        jobsPerSimS = r.jobsPerSimulatedSecond;
        backoffs = r.backoffs;
      }),
    );
    out[`dmabuf.stress_16x8x5000_${mode}.jobs_per_sim_s`] = jobsPerSimS;
    out[`dmabuf.stress_16x8x5000_${mode}.backoffs`] = backoffs;
  }
  // The whole command, and for comparison the CLI's start-up alone (`twb --version`).
  const twb = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/twb.js');
  const timed = (args: string[]) => {
    const t0 = performance.now();
    execFileSync(process.execPath, [twb, ...args], { stdio: 'ignore' });
    return round(performance.now() - t0);
  };
  try {
    out['dmabuf.stress_16x8x5000_cli.wall_ms'] = timed(['dmabuf', 'stress', '--buffers', '16', '--workers', '8', '--jobs', '5000']);
    out['dmabuf.cli_startup.wall_ms'] = timed(['--version']);
  } catch (e) {
    // The CLI loads every command module; another area's broken module must not hide the figures above.
    console.warn(`dmabuf bench: twb did not run, CLI figures skipped: ${(e as Error).message.split('\n')[0]}`);
  }
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [k, v] of Object.entries(benchDmabuf())) console.log(`${k} ${v}`);
}
