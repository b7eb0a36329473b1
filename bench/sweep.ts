/**
 * Sweeps: 100 seeds × the four kernel variants × 20 simulated hours of the seed workspace on the
 * local pool (target ≤ 120 s on a 2-core machine): wall, runs/s, per-run wall, and the CPU time
 * of all threads (the wall an idle machine would need is about cpu_s / cores). Then one smaller
 * grid of the same runs three ways — one process back to back (simulate, store, next), the pool
 * with two threads, and Redis with two local `twb worker` processes — for the pool's speed-up
 * over one process and the queue's throughput against the pool.
 *
 *   node --import tsx bench/sweep.ts          (or through bench/run.ts: --only sweep)
 * TWB_BENCH_SWEEP_SEEDS / TWB_BENCH_SWEEP_HOURS shrink the main grid for a quick look (the
 * metric names say which grid ran).
 */
import os from 'node:os';
import { openStore } from '../src-main/host/store';
import { createSweep, LOCAL_WORKER, runSweep, type SweepExecutor, type SweepRequest } from '../src-main/host/sweep/coordinator';
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
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** One process, one run at a time on its own thread: simulate, store, next. */
const serial: SweepExecutor = {
  label: 'local',
  async execute(_sweep, runs, deliver) {
    for (const r of runs) deliver({ config: r.config.key, seed: r.seed, output: runSweepJob(r.job), worker: LOCAL_WORKER });
  },
  close: async () => {},
};

interface Timed {
  wall: number;
  runs: number;
  /** Mean of the stored per-run wall times (on the thread that simulated it). */
  meanRunS: number;
  /** CPU seconds of this process, every thread (a queue's workers are other processes). */
  cpu: number;
}

/** Runs `req` on `executor` into a throw-away store; wall seconds from the first enqueue to the last stored result. */
async function timedSweep(req: SweepRequest, executor: SweepExecutor): Promise<Timed> {
  const store = openStore(':memory:');
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await runSweep(store, createSweep(store, req, executor.label), executor);
    const wall = (performance.now() - t0) / 1000;
    const { user, system } = process.cpuUsage(c0);
    const rows = store.sweeps.runs(s.id);
    if (s.status !== 'finished' || rows.length !== s.totalRuns) throw new Error(`sweep ended ${s.status} with ${rows.length} of ${s.totalRuns} runs`);
    return { wall, runs: rows.length, meanRunS: rows.reduce((t, r) => t + r.wallMs, 0) / rows.length / 1000, cpu: (user + system) / 1e6 };
  } finally {
    store.close();
  }
}

const perS = (t: Timed) => t.runs / t.wall;

export async function benchSweep(): Promise<Metric[]> {
  const seeds = Number(process.env.TWB_BENCH_SWEEP_SEEDS ?? 100);
  const hours = Number(process.env.TWB_BENCH_SWEEP_HOURS ?? 20);
  const name = `sweep.seed_${seeds}x4_${hours}h`;
  const out: Metric[] = [];
  const warm = grid(1, 0.01);

  const pool = new LocalExecutor();
  try {
    await timedSweep(warm, pool); // threads up and compiled before the clock starts
    const s = await timedSweep(grid(seeds, hours), pool);
    out.push(
      { name: `${name}.wall_s`, value: r2(s.wall), unit: 's' },
      { name: `${name}.runs_per_s`, value: r2(perS(s)), unit: 'per_s' },
      { name: `${name}.per_run_wall_s`, value: r3(s.meanRunS), unit: 's' },
      { name: `${name}.cpu_s`, value: r2(s.cpu), unit: 's' },
      { name: `${name}.threads`, value: os.availableParallelism(), unit: 'count' },
    );
  } finally {
    await pool.close();
  }

  // The same smaller grid three ways, one after the other in this run (compare them as ratios).
  const small = grid(10, hours);
  const smallName = `10x4_${hours}h`;
  await timedSweep(warm, serial);
  const one = await timedSweep(small, serial);

  const local = new LocalExecutor(2);
  let l: Timed;
  try {
    await timedSweep(warm, local);
    l = await timedSweep(small, local);
  } finally {
    await local.close();
  }

  const redis = await testRedis();
  const workers = [0, 1].map(() => spawnQueueWorker(redis.url, ['--concurrency', '1', '--quiet']));
  let q: Timed;
  try {
    await Promise.all(workers.map((w) => w.ready));
    const queue = await QueueExecutor.open(queueConnection(redis.url));
    try {
      await timedSweep(warm, queue); // the coordinator's fingerprint thread, the workers' first runs
      q = await timedSweep(small, queue);
    } finally {
      await queue.close();
    }
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis.stop();
  }
  out.push(
    { name: `sweep.single_process_${smallName}.runs_per_s`, value: r2(perS(one)), unit: 'per_s' },
    { name: `sweep.single_process_${smallName}.per_run_wall_s`, value: r3(one.meanRunS), unit: 's' },
    { name: `sweep.pool_2threads_${smallName}.runs_per_s`, value: r2(perS(l)), unit: 'per_s' },
    { name: `sweep.queue_2workers_${smallName}.runs_per_s`, value: r2(perS(q)), unit: 'per_s' },
    { name: 'sweep.pool_vs_single_process.speedup', value: r2(perS(l) / perS(one)), unit: 'x' },
    { name: 'sweep.queue_vs_pool.throughput_ratio', value: r2(perS(q) / perS(l)), unit: 'x' },
  );
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const m of await benchSweep()) console.log(`${m.name.padEnd(52)} ${String(m.value).padStart(10)} ${m.unit}`);
