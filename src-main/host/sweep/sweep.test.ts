import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store';
import { loadWorkspace } from '../workspace/load';
import { createSweep, runSweep, type RunDelivery, type SweepRequest } from './coordinator';
import { parseVary } from './grid';
import { runSweepJob } from './job';
import { LocalExecutor, SweepAborted } from './local-executor';
import { SweepPool } from './pool';
import { summarizeSweep, sweepReport } from './summarize';

const workspace = loadWorkspace('builtin:seed-power9-ipi');
const request = (over: Partial<SweepRequest> = {}): SweepRequest => ({
  workspaceName: workspace.name,
  workspace,
  seeds: '1..3',
  axes: [parseVary('kernel.barriers=none,both')],
  set: {},
  durationNs: 300e9,
  until: null,
  ...over,
});

/** Every stored result's exact text, keyed by configuration and seed. */
const results = (store: Store, id: number) => Object.fromEntries(store.sweeps.runs(id).map((r) => [`${r.config} ${r.seed}`, r.resultJson]));

describe('sweep runs', () => {
  it('--until first-soft-lockup ends the run at the first soft lockup of the full run', () => {
    // The what-if of docs/models/ipi.md (long store stalls, host wakeups onto vCPU CPUs): the calibrated defaults lose no IPI in 40 min.
    const job = { workspace, set: { 'kernel.barriers': 'none', 'ipi.store_stall_fraction': 0.5, 'ipi.store_stall_ns': 2000, 'host.sched.wake_on_vcpu_extra': 0.2 }, seed: 1, durationNs: 2400e9 };
    const full = runSweepJob({ ...job, until: null });
    const early = runSweepJob({ ...job, until: 'first-soft-lockup' });
    expect(full.result.firstSoftLockup).not.toBeNull();
    expect(full.result.endedBy).toBe('duration');
    expect(full.result.simulatedSeconds).toBe(2400);
    // Everything the full run reported up to its first soft lockup (an RCU stall on the same CPU may come first).
    const upTo = full.summary.lockups.filter((l) => l.t <= full.result.firstSoftLockup!);
    expect(upTo.at(-1)!.kind).toBe('soft_lockup');
    expect(early.result).toMatchObject({ status: 'finished', endedBy: 'first-soft-lockup', firstSoftLockup: full.result.firstSoftLockup, simulatedSeconds: full.result.firstSoftLockup, lockupReports: upTo.length });
    expect(early.summary.lockups).toEqual(upTo);
  });

  it('stores a sweep on the local pool, and a resumed sweep stores exactly what an uninterrupted one does', async () => {
    const store = openStore(':memory:');
    const pool = new LocalExecutor(2);
    try {
      const whole = createSweep(store, request(), pool.label);
      const progress: number[] = [];
      const done = await runSweep(store, whole, pool, { onProgress: (p) => progress.push(p.done) });
      expect(done.status).toBe('finished');
      expect(done.done).toBe(6);
      expect(progress.at(-1)).toBe(6);
      // Every run is also a stored run that opens like any other.
      for (const r of store.sweeps.runs(whole.id)) {
        const run = store.runs.get(r.runId!);
        expect(run).toMatchObject({ status: 'finished', seed: r.seed, simulatedNs: 300e9 });
        expect(store.history.extras(r.runId!).durationNs).toBe(300e9);
      }

      // Stop after the first stored run, then resume: the missing runs only.
      const part = createSweep(store, request(), pool.label);
      const abort = new AbortController();
      await expect(runSweep(store, part, pool, { signal: abort.signal, onProgress: (p) => p.done >= 1 && abort.abort() })).rejects.toThrow(SweepAborted);
      const stopped = store.sweeps.get(part.id);
      expect(stopped.status).toBe('interrupted');
      expect(stopped.done).toBeGreaterThanOrEqual(1);
      expect(stopped.done).toBeLessThan(6);
      const resumed = await runSweep(store, store.sweeps.claim(part.id), new LocalExecutor(1));
      expect(resumed.status).toBe('finished');
      expect(results(store, part.id)).toEqual(results(store, whole.id));
      const a = sweepReport(summarizeSweep(store.sweeps.get(whole.id), store.sweeps.runs(whole.id)));
      const b = sweepReport(summarizeSweep(store.sweeps.get(part.id), store.sweeps.runs(part.id)));
      expect({ ...b, sweepId: 0, configurations: b.configurations.map((c) => ({ ...c, runIds: [] })) }).toEqual({ ...a, sweepId: 0, configurations: a.configurations.map((c) => ({ ...c, runIds: [] })) });
    } finally {
      await pool.close();
      store.close();
    }
  });

  it('a late result of an aborted run is no uncaught error', async () => {
    // Piscina emits 'error' on the pool when a run finishes just after it was aborted (a stop
    // racing a run's end); unheard, an 'error' event throws.
    const pool = new SweepPool(1);
    try {
      const piscina = (pool as unknown as { pool: import('node:events').EventEmitter }).pool;
      expect(() => piscina.emit('error', new Error('Unexpected message from Worker: { taskId: 8 }'))).not.toThrow();
    } finally {
      await pool.close();
    }
  });

  it('stores a run delivered twice once', async () => {
    const store = openStore(':memory:');
    try {
      const sweep = createSweep(store, request({ seeds: '7', axes: [], durationNs: 60e9 }), 'test');
      const output = runSweepJob({ workspace, set: {}, seed: 7, durationNs: 60e9, until: null });
      const twice = {
        label: 'test',
        close: async () => {},
        execute: async (_s: unknown, _runs: unknown, deliver: (d: RunDelivery) => void) => {
          for (let i = 0; i < 3; i++) deliver({ config: '{}', seed: 7, output, worker: `w${i}` });
          // A result for a configuration this sweep does not have is ignored.
          deliver({ config: '{"kernel.barriers":"set"}', seed: 7, output, worker: 'stray' });
        },
      };
      const ended = await runSweep(store, sweep, twice);
      expect(ended.status).toBe('finished');
      const rows = store.sweeps.runs(sweep.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].worker).toBe('w0');
      expect(store.runs.list()).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
