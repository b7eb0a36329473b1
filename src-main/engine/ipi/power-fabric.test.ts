import { describe, expect, it } from 'vitest';
import { Priority, Simulation, type ParamValues } from '../core';
import { resolveParams } from '../params';
import { CpuStates } from '../power9/cpus';
import { exploreIpi } from './explore-ipi';
import { barriersOf, type BarrierVariant } from './handshake';
import { PowerIpiFabric } from './power-fabric';

/**
 * A scaled-up scenario where losses are frequent: four CPUs in a guest receive vCPU kicks and
 * host reschedule IPIs at high rates while CPU 7 broadcasts CALL_FUNCTION to them.
 */
function scaled(fidelity: 'fast' | 'detailed', seed: number, variant: BarrierVariant = 'none', seconds = 1) {
  const params: ParamValues = { 'ipi.fidelity': fidelity, 'ipi.store_stall_fraction': 0.5, 'ipi.store_stall_ns': 2000 };
  const sim = new Simulation({ seed, params: resolveParams(params) });
  const cpus = new CpuStates(8);
  for (let c = 0; c < 4; c++) cpus.set(c, { kind: 'guest', guest: 'A', vcpu: c, task: { comm: `CPU ${c}/KVM`, pid: 100 + c } });
  for (let c = 4; c < 8; c++) cpus.set(c, { kind: 'host', task: { comm: 'stress', pid: 200 + c } });
  const fabric = sim.add(new PowerIpiFabric({ sim, cpus, barriers: barriersOf(variant) }));
  const rng = sim.rng('driver');
  sim.add({
    name: 'driver',
    start: () => {
      const streams = [0, 1, 2, 3].flatMap((to) => [
        { kind: 'vcpu_kick' as const, from: 5, to, ratePerSec: 50000, why: 'QEMU worker kicks vCPU (A)' },
        { kind: 'reschedule' as const, from: 6, to, ratePerSec: 5000, why: 'wakes a host task' },
      ]);
      fabric.setTraffic({ streams, locks: [] });
      const tick = () => {
        fabric.callFunctionMany(7, [0, 1, 2, 3], [], () => {});
        sim.after(rng.exp(1e9 / 2000), Priority.DEFAULT, tick);
      };
      sim.after(rng.exp(1e9 / 2000), Priority.DEFAULT, tick);
    },
  });
  sim.runUntil(seconds * 1e9);
  return fabric;
}

describe('IPI fabric: fast mode agrees with the all-detailed run', () => {
  it('lost CALL_FUNCTION counts agree within statistical bounds (scaled scenario, no barriers)', () => {
    const fast = scaled('fast', 11, 'none', 1.5);
    const detailed = scaled('detailed', 12, 'none', 1.5);
    const a = fast.lostCallFunction;
    const b = detailed.lostCallFunction;
    // Both are (near-)Poisson counts: their difference stays within 4 standard deviations.
    expect(a).toBeGreaterThan(30);
    expect(b).toBeGreaterThan(30);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(4 * Math.sqrt(a + b));
    // The detailed run really simulated far more handshakes.
    expect(detailed.episodes).toBeGreaterThan(1.5 * fast.episodes);
  });

  it('with both barriers nothing is lost, in either mode', () => {
    expect(scaled('fast', 3, 'both', 0.3).stats().lost).toBe(0);
    expect(scaled('detailed', 4, 'both', 0.3).stats().lost).toBe(0);
  });
});

describe('IPI fabric soundness', () => {
  it('an isolated IPI cannot be lost in any variant (what lets fast mode skip them)', () => {
    for (const v of ['none', 'set', 'clear', 'both'] as const) {
      expect(exploreIpi(barriersOf(v), { target: '42', senders: [{ cpu: '105', msg: 'CALL_FUNCTION' }] }).lostIpiReachable).toBe(false);
    }
  });

  it('a vCPU kick overlapping a CALL_FUNCTION can lose it without barriers (the kick plays CPU X)', () => {
    const setup = { target: '42', senders: [{ cpu: 'K', msg: 'KICK' as const }, { cpu: '105', msg: 'CALL_FUNCTION' as const }] };
    expect(exploreIpi(barriersOf('none'), setup).lostIpiReachable).toBe(true);
    expect(exploreIpi(barriersOf('both'), setup).lostIpiReachable).toBe(false);
  });
});

describe('lockup cascade', () => {
  it('a lost CALL_FUNCTION with no rescue leaves the sender in csd_lock_wait: soft lockup, RCU stall, lock spinners, hung task', () => {
    const sim = new Simulation({ seed: 5, params: resolveParams({ 'ipi.store_stall_fraction': 1 }) });
    const cpus = new CpuStates(4);
    cpus.set(0, { kind: 'guest', guest: 'A', vcpu: 0, task: { comm: 'CPU 0/KVM', pid: 100 } });
    cpus.set(1, { kind: 'host', task: { comm: 'CPU 52/KVM', pid: 19709 } });
    cpus.set(2, { kind: 'host', task: { comm: 'ksmd', pid: 791 } });
    cpus.set(3, { kind: 'host', task: { comm: 'worker', pid: 19907 } });
    const fabric = sim.add(new PowerIpiFabric({ sim, cpus, barriers: barriersOf('none') }));
    let sent = 0;
    sim.add({
      name: 'driver',
      start: () => {
        fabric.setTraffic({
          streams: [{ kind: 'vcpu_kick', from: 3, to: 0, ratePerSec: 20000, why: 'QEMU worker kicks vCPU (A)' }],
          locks: [
            { lock: 'mm(A).page_table_lock', cpu: 2, task: { comm: 'ksmd', pid: 791 }, ratePerSec: 10, mode: 'spin' },
            { lock: 'mm(A).mmap_sem', cpu: 3, task: { comm: 'worker', pid: 19907 }, ratePerSec: 10, mode: 'sleep' },
          ],
        });
        // Broadcast from CPU 1 until one CALL_FUNCTION to CPU 0 is lost.
        const tick = () => {
          if (cpus.isSpinning(1)) return;
          sent++;
          fabric.callFunctionMany(1, [0], ['mm(A).page_table_lock', 'mm(A).mmap_sem'], () => {});
          sim.after(100_000, Priority.DEFAULT, tick);
        };
        sim.after(1000, Priority.DEFAULT, tick);
      },
    });
    sim.runUntil(400e9);
    expect(sent).toBeGreaterThan(0);
    expect(cpus.get(1)).toMatchObject({ kind: 'spinning', on: 'csd_lock_wait(cpu 0)' });
    expect(cpus.get(2)).toMatchObject({ kind: 'spinning', on: 'spinlock mm(A).page_table_lock held by CPU 1' });
    const text = sim.log.lines.map((l) => l.text);
    expect(text.find((t) => t.includes('CPU#1 '))).toMatch(/^watchdog: BUG: soft lockup - CPU#1 stuck for 2[1-4]s! \[CPU 52\/KVM:19709\]$/);
    expect(text).toContain('rcu: INFO: rcu_sched self-detected stall on CPU');
    expect(text.find((t) => /^rcu: \d+-\.\.\.\.: \(5250 ticks this GP\)/.test(t))).toBeDefined();
    expect(text).toContain('INFO: task worker:19907 blocked for more than 120 seconds.');
    expect(text).toContain('Tainted: G L 5.3.0-rc5-mdr-vanilla+ #1');
    expect(text).toContain('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    const kinds = new Set(fabric.lockups().map((l) => l.kind));
    expect([...kinds].sort()).toEqual(['hung_task', 'rcu_stall', 'soft_lockup']);
    // RCU stall reports repeat every 3 × 21 s + 3 jiffies, as in the seed log.
    const rcu = sim.log.lines.filter((l) => l.text.startsWith('rcu: INFO')).map((l) => l.timeNs);
    expect(rcu.length).toBeGreaterThan(3);
    expect(rcu[2] - rcu[1]).toBe(63e9 + 12e6);
  });
});
