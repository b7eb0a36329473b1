import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../../src-common/workspace';
import { buildRun } from '../run/build';
import { parseLogLine } from './seed-log';

const whatif = parseWorkspace(JSON.parse(fs.readFileSync(new URL('../../../resources/workspaces/seed-power9-ipi-whatif.json', import.meta.url), 'utf8')));

describe('RCU stall reports carry the modelled counters', () => {
  it("count the grace period's jiffies as the seed does and keep a stalled CPU's idle and softirq counters frozen", { timeout: 120_000 }, () => {
    // The first of these what-if seeds whose lockup starts early enough for four RCU reports in 400 s
    // (seed 12 at the time of writing: a CALL_FUNCTION lost at ~13 s, first soft lockup at 37 s).
    const stalled = (seed: number) => {
      const run = buildRun(whatif, { seed, set: { 'kernel.barriers': 'none' } });
      run.sim.runUntil(400e9);
      const reports = run.sim.log.lines
        .filter((l) => l.text.startsWith('rcu: \t'))
        .map((l) => ({ t: l.timeNs, f: parseLogLine(l.text, false)!.fields }))
        .slice(0, 4);
      return { run, reports };
    };
    let found: ReturnType<typeof stalled> | undefined;
    for (const seed of [12, 13, 10, 5, 4, 7, 9]) if ((found = stalled(seed)).reports.length === 4) break;
    const { run, reports } = found!;
    // Fields: cpu, the four flag chars, ticks, "ticks this GP", idle, nesting, nmi nesting, softirq snap/now, fqs.
    expect(reports.map((r) => Number(r.f[5]))).toEqual([5250, 21003, 36756, 52509]); // the seed's four reports
    // 3 × 21 s + 3 jiffies apart (rcu_cpu_stall_timeout, record_gp_stall_check_time), at HZ 250.
    for (let i = 1; i < reports.length; i++) expect(reports[i].t - reports[i - 1].t).toBe(63e9 + 3 * 4e6);
    const [first] = reports;
    expect(new Set(reports.map((r) => r.f[0]))).toEqual(new Set([first.f[0]])); // one self-detecting CPU
    // Its task spins with preemption off: no idle entry and no RCU softirq while stalled, so every
    // report shows the same idle= and softirq= values (the seed: idle=10a, softirq=5408/5408 four times).
    for (const r of reports) expect([r.f[7], r.f[10], r.f[11]]).toEqual([first.f[7], first.f[10], first.f[10]]);
    expect(Number(first.f[10])).toBeGreaterThan(0); // its softirqs before the stall, integrated from the workload
    expect(parseInt(first.f[7], 16) % 4).toBe(2); // dynticks: 2 at boot, +4 per idle entry and exit
    // Force-quiescent-state passes grow with the grace period, at most one per jiffy.
    const fqs = reports.map((r) => Number(r.f[12]));
    for (let i = 0; i < reports.length; i++) {
      expect(fqs[i]).toBeGreaterThan(0);
      expect(fqs[i]).toBeLessThanOrEqual(Number(reports[i].f[5]));
    }
    // The same CPU's soft lockup repeats: the RCU report touches its watchdog (CPU#124 in the seed).
    const cpu = Number(first.f[0]);
    const soft = run.sim.log.lines.filter((l) => l.text.includes(`soft lockup - CPU#${cpu} `));
    expect(soft.length).toBeGreaterThanOrEqual(4);
  });
});
