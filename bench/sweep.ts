/**
 * Sweeps: 100 seeds × the four kernel variants × 20 simulated hours of the seed workspace on the
 * local pool (target ≤ 120 s on a 2-core machine), with runs/s, per-run wall time and the
 * speed-up over one process running the same kind of runs back to back; then queue overhead:
 * a smaller grid through Redis with two local `twb worker` processes vs the local pool.
 *
 *   node --import tsx bench/sweep.ts          (or through bench/run.ts: --only sweep)
 * TWB_BENCH_SWEEP_SEEDS / TWB_BENCH_SWEEP_HOURS shrink the main grid for a quick look (the
 * metric names say which grid ran).
 */
import os from 'node:os';
import { openStore } from '../src-main/host/store';
import { createSweep, runSweep, type SweepExecutor, type SweepRequest } from '../src-main/host/sweep/coordinator';
import { parseVary } from '../src-main/host/sweep/grid';
import { runSweepJob } from '../src-main/host/sweep/job';
import { LocalExecutor } from '../src-main/host/sweep/local-executor';
import { QueueExecutor, queueConnection } from '../src-main/host/sweep/queue';
import { spawnQueueWorker, testRedis } from '../src-main/host/sweep/test-redis';
import { loadWorkspace } from '../src-main/host/workspace/load';
import type { Metric } from './metric';

const VARIANTS = parseVary('kernel.barriers=none,set,clear,both');
const workspace = loadWorkspace('builtin:seed-power9-ipi');
const grid = (seeds: number, hours: number): SweepRequest => ({ workspaceName: workspace.name, workspace, seeds: `1..${seeds}`, axes: [VARIANTS], set: {}, durationNs: hours * 3600e9, until: null });
const r2 = (v: number) => Math.round(v * 100) / 100;

/** Runs `req` on `executor` into a throw-away store; wall seconds from the first enqueue to the last stored result. */
async function timedSweep(req: SweepRequest, executor: SweepExecutor): Promise<{ wall: number; runs: number; meanRunS: number }> {
  const store = openStore(':memory:');
  try {
    const t0 = performance.now();
    const s = await runSweep(store, createSweep(store, req, executor.label), executor);
    const wall = (performance.now() - t0) / 1000;
    const rows = store.sweeps.runs(s.id);
    if (s.status !== 'finished' || rows.length !== s.totalRuns) throw new Error(`sweep ended ${s.status} with ${rows.length} of ${s.totalRuns} runs`);
    return { wall, runs: rows.length, meanRunS: rows.reduce((t, r) => t + r.wallMs, 0) / rows.length / 1000 };
  } finally {
    store.close();
  }
}

export async function benchSweep(): Promise<Metric[]> {
  const seeds = Number(process.env.TWB_BENCH_SWEEP_SEEDS ?? 100);
  const hours = Number(process.env.TWB_BENCH_SWEEP_HOURS ?? 20);
  const name = `sweep.seed_${seeds}x4_${hours}h`;
  const out: Metric[] = [];

  // One process, back to back: seeds 1–2 of every variant (the grid's mix of cheap and dear runs).
  let single = 0;
  const sample = 2;
  runSweepJob({ workspace, set: { 'kernel.barriers': 'both' }, seed: 99, durationNs: 60e9, until: null }); // JIT warm-up
  for (let seed = 1; seed <= sample; seed++)
    for (const v of VARIANTS.values) single += runSweepJob({ workspace, set: { 'kernel.barriers': v }, seed, durationNs: hours * 3600e9, until: null }).wallMs / 1000;
  const singlePerRun = single / (sample * VARIANTS.values.length);

  const pool = new LocalExecutor();
  try {
    await timedSweep(grid(1, 0.01), pool); // threads up and compiled before the clock starts
    const s = await timedSweep(grid(seeds, hours), pool);
    out.push(
      { name: `${name}.wall_s`, value: r2(s.wall), unit: 's' },
      { name: `${name}.runs_per_s`, value: r2(s.runs / s.wall), unit: 'per_s' },
      { name: `${name}.per_run_wall_s`, value: r2(s.meanRunS), unit: 's' },
      { name: `${name}.single_process_per_run_s`, value: r2(singlePerRun), unit: 's' },
      { name: `${name}.speedup_vs_single_process`, value: r2((singlePerRun * s.runs) / s.wall), unit: 'x' },
      { name: `${name}.threads`, value: os.availableParallelism(), unit: 'count' },
    );
  } finally {
    await pool.close();
  }

  // Queue overhead: the same small grid through Redis with two local workers, and on the pool.
  const small = grid(10, 2);
  const redis = await testRedis();
  const workers = [0, 1].map(() => spawnQueueWorker(redis.url, ['--concurrency', '1', '--quiet']));
  try {
    await Promise.all(workers.map((w) => w.ready));
    const queue = await QueueExecutor.open(queueConnection(redis.url));
    let q;
    try {
      await timedSweep(grid(1, 0.01), queue); // the coordinator's fingerprint thread, the workers' first runs
      q = await timedSweep(small, queue);
    } finally {
      await queue.close();
    }
    const local = new LocalExecutor(2);
    let l;
    try {
      await timedSweep(grid(1, 0.01), local);
      l = await timedSweep(small, local);
    } finally {
      await local.close();
    }
    out.push(
      { name: 'sweep.queue_2workers_10x4_2h.runs_per_s', value: r2(q.runs / q.wall), unit: 'per_s' },
      { name: 'sweep.pool_2threads_10x4_2h.runs_per_s', value: r2(l.runs / l.wall), unit: 'per_s' },
      { name: 'sweep.queue_vs_pool.throughput_ratio', value: r2(q.runs / q.wall / (l.runs / l.wall)), unit: 'x' },
    );
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis.stop();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const m of await benchSweep()) console.log(`${m.name.padEnd(52)} ${String(m.value).padStart(10)} ${m.unit}`);
