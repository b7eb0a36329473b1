import { describe, expect, it } from 'vitest';
import { Rng } from '../core';
import { CpuStates } from './cpus';
import { placeTasks } from './placement';
import { HostTopology } from './topology';
import { mmuWarnings, placementWarnings } from '../kvm/guest';
import { exitsPerGuestFault } from '../kvm/mmu';

const seedHost = new HostTopology({ threadsPerCore: 4, sockets: [{ cores: 16, memoryBytes: 1 }, { cores: 16, memoryBytes: 1 }] });

describe('POWER9 host', () => {
  it('numbers CPUs as Linux does: threads of a core consecutive', () => {
    expect(seedHost.cpuCount).toBe(128);
    expect(seedHost.cpu(10, 2)).toBe(42);
    expect(seedHost.place(105)).toEqual({ cpu: 105, socket: 1, core: 26, thread: 1 });
    expect(seedHost.socketCpus(1)[0]).toBe(64);
    expect(() => seedHost.place(128)).toThrow('CPU 128 does not exist (host has CPUs 0-127)');
  });

  it('tracks per-CPU state; a spinning CPU keeps spinning until released', () => {
    const c = new CpuStates(4);
    const seen: string[] = [];
    c.onChange((cpu, b, a) => seen.push(`${cpu}:${b.kind}->${a.kind}`));
    c.set(1, { kind: 'guest', guest: 'A', vcpu: 3, task: { comm: 'CPU 3/KVM', pid: 10 } });
    c.spin(1, 'csd_lock_wait(cpu 2)', 5);
    c.set(1, { kind: 'idle' });
    expect(c.get(1)).toMatchObject({ kind: 'spinning', on: 'csd_lock_wait(cpu 2)', task: { pid: 10 } });
    c.release(1);
    expect(c.get(1).kind).toBe('idle');
    expect(seen).toEqual(['1:idle->guest', '1:guest->spinning', '1:spinning->idle']);
  });

  it('places a virtual core on one physical core, avoiding spinning CPUs', () => {
    const tasks = [
      { demand: 1, allowed: [0, 1, 2, 3, 4, 5, 6, 7], group: 'A:0' },
      { demand: 1, allowed: [0, 1, 2, 3, 4, 5, 6, 7], group: 'A:0' },
    ];
    const p = placeTasks(tasks, seedHost, (c) => c < 4, new Rng(1));
    expect(p.cpuOf.every((c) => c >= 4 && c < 8)).toBe(true);
    expect(new Set(p.cpuOf).size).toBe(2);
  });
});

describe('KVM guests', () => {
  const guest = (over: object) => ({ name: 'G', memoryBytes: 1, smp: { sockets: 1, cores: 2, threads: 2 }, ksm: false, thp: false, vcpupin: [], mmu: 'radix' as const, bypassGuestPf: false, ...over });
  it('warns when a virtual core is split across physical cores or has too many threads', () => {
    expect(placementWarnings(guest({ vcpupin: [{ vcpu: 0, cpuset: '0-3' }, { vcpu: 1, cpuset: '4-7' }] }), seedHost)).toEqual([
      'guest G: virtual core 0 (vCPUs 0,1) is split across physical cores 0,1',
    ]);
    expect(placementWarnings(guest({ smp: { sockets: 1, cores: 1, threads: 8 } }), seedHost)[0]).toMatch(/8 threads per virtual core exceed the host's 4/);
    expect(placementWarnings(guest({ vcpupin: [{ vcpu: 0, cpuset: '0-3' }, { vcpu: 1, cpuset: '1-4,^2' }] }), seedHost)).toEqual([]);
  });

  it('warns that shadow paging, TDP and bypass_guest_pf are x86 modes a POWER9 host does not have', () => {
    expect(mmuWarnings(guest({}))).toEqual([]);
    expect(mmuWarnings(guest({ mmu: 'shadow', bypassGuestPf: true }))).toEqual([
      "guest G: mmu 'shadow' is an x86 MMU mode; a POWER9 KVM-HV host runs radix guests (its exits are simulated as on x86)",
      "guest G: bypassGuestPf is kvm-intel's bypass_guest_pf, an x86 shadow-paging option; it does not exist on a POWER9 host",
    ]);
    expect(mmuWarnings(guest({ mmu: 'tdp' }))).toHaveLength(1);
  });

  it('counts shadow-paging exits per guest fault: bypass_guest_pf saves the non-present trap', () => {
    expect(exitsPerGuestFault({ mmu: 'shadow', bypassGuestPf: false }, 0.1)).toEqual({ pageFault: 1.1, ptWrite: 0.9 });
    expect(exitsPerGuestFault({ mmu: 'shadow', bypassGuestPf: true }, 0.1)).toEqual({ pageFault: 0.2, ptWrite: 0.9 });
    expect(exitsPerGuestFault({ mmu: 'radix', bypassGuestPf: false }, 0.1)).toEqual({ pageFault: 0, ptWrite: 0 });
  });
});
