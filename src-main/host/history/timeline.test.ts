import { describe, expect, it } from 'vitest';
import { buildRun } from '../../engine/run/build';
import { loadWorkspace } from '../workspace/load';
import { decodeTimeline, encodeTimeline } from './timeline-codec';
import { recordTimeline } from './timeline-sample';

const HOUR = 3600e9;

/** Runs `hours` of a builtin (seed 3) with the timeline recorded in batches of `everyNs`, as the run worker does. */
const record = (name: string, set: Record<string, string>, hours: number, everyNs = 60e9, max?: number) => recordTimeline(name, 3, set, hours, everyNs, max);

describe('the per-CPU timeline stored with a run', () => {
  it('replays to the CPU states and busy fractions the run ends with', () => {
    const { run, rows } = record('builtin:seed-power9-ipi-whatif', { 'kernel.barriers': 'none' }, 0.5);
    const cols = decodeTimeline(rows);
    const state = new Map<number, number>();
    const busy = new Map<number, number>();
    const task = new Map<number, number>();
    cols.tNs.forEach((_, i) => {
      state.set(cols.cpu[i], cols.state[i]);
      busy.set(cols.cpu[i], cols.busy[i]);
      task.set(cols.cpu[i], cols.task[i]);
    });
    const kinds = ['idle', 'host', 'guest', 'spinning'];
    for (let c = 0; c < run.cpus.count; c++) {
      const st = run.cpus.get(c);
      expect(kinds[state.get(c)!]).toBe(st.kind);
      expect(busy.get(c)).toBe(Math.round(run.machine.currentBusy()[c] * 255));
      const ref = st.kind === 'idle' ? null : st.task;
      expect(task.get(c) === -1 ? null : cols.tasks[task.get(c)!]).toBe(ref ? `${ref.comm}:${ref.pid}` : null);
    }
    // Times never go back, and the first change of every CPU is at 0.
    for (let i = 1; i < cols.tNs.length; i++) expect(cols.tNs[i]).toBeGreaterThanOrEqual(cols.tNs[i - 1]);
    expect(cols.tNs[0]).toBe(0);
    expect(new Set(cols.cpu.filter((_, i) => cols.tNs[i] === 0)).size).toBe(128);
  });

  it('is the same bytes for the same seed and does not change the run', () => {
    const a = record('builtin:seed-power9-ipi-whatif', { 'kernel.barriers': 'none' }, 0.25);
    const b = record('builtin:seed-power9-ipi-whatif', { 'kernel.barriers': 'none' }, 0.25);
    expect(Buffer.concat(a.rows.map((r) => r.data)).equals(Buffer.concat(b.rows.map((r) => r.data)))).toBe(true);
    const plain = buildRun(loadWorkspace('builtin:seed-power9-ipi-whatif'), { seed: 3, set: { 'kernel.barriers': 'none' } });
    plain.sim.runUntil(0.25 * HOUR);
    expect(a.run.sim.trace.digest).toBe(plain.sim.trace.digest);
  });

  it('stays bounded: under 256 kB per simulated hour, and it stops at its cap saying when', () => {
    const { bytes } = record('builtin:seed-power9-ipi-whatif', { 'kernel.barriers': 'none' }, 1);
    // docs/time-travel.md states the figure (scripts/figures, table timeline-size).
    expect(bytes).toBeLessThan(256 * 1024);
    const capped = record('builtin:seed-power9-ipi-whatif', { 'kernel.barriers': 'none' }, 0.1, 60e9, 200);
    expect(capped.tl.count).toBeLessThanOrEqual(200);
    expect(capped.tl.truncatedAtNs).not.toBeNull();
  });

  it('decodes a corrupt row into a precise error, not garbage', () => {
    const { data } = encodeTimeline({ tNs: [5, 9], cpu: [1, 2], state: [2, 3], busy: [255, 0], task: [0, -1], tasks: ['ksmd:791'] });
    expect(decodeTimeline([{ tNs: 5, data }])).toEqual({ tNs: [5, 9], cpu: [1, 2], state: [2, 3], busy: [255, 0], task: [0, -1], tasks: ['ksmd:791'] });
    expect(() => decodeTimeline([{ tNs: 5, data: data.subarray(0, data.length - 2) }])).toThrow(/timeline row 0: truncated at byte/);
  });
});
