/**
 * A run's per-CPU timeline recorded as the run worker records it (CpuTimeline taken and encoded
 * every `everyNs` of simulated time): what the timeline test checks and the size figure in
 * docs/time-travel.md (scripts/figures) reports, from one place.
 */
import { buildRun } from '../../engine/run/build';
import { CpuTimeline } from '../../engine/run/timeline';
import { loadWorkspace } from '../workspace/load';
import { encodeTimeline } from './timeline-codec';

const HOUR_NS = 3600e9;

export function recordTimeline(name: string, seed: number, set: Record<string, string>, hours: number, everyNs = 60e9, max?: number) {
  const run = buildRun(loadWorkspace(name), { seed, set });
  run.sim.start();
  const tl = new CpuTimeline(run.sim, run.cpus, () => run.machine.currentBusy(), max);
  const rows: { tNs: number; data: Uint8Array }[] = [];
  const flush = () => {
    const b = tl.take();
    if (b.tNs.length || b.tasks.length) rows.push((({ baseNs, data }) => ({ tNs: baseNs, data }))(encodeTimeline(b)));
  };
  for (let t = everyNs; t <= hours * HOUR_NS; t += everyNs) {
    run.sim.runUntil(t);
    flush();
  }
  return { run, tl, rows, bytes: rows.reduce((n, r) => n + r.data.length, 0) };
}
