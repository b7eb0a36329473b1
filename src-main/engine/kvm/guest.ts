import { parseCpuset } from '../../../src-common/parse/cpuset';
import { vcpuCount, type Guest } from '../../../src-common/workspace';
import type { HostTopology } from '../power9/topology';

/** One vCPU of a guest: where it may run. On POWER9 KVM-HV the vCPUs of a virtual core run together on one physical core. */
export interface VcpuPlan {
  guest: string;
  vcpu: number;
  /** Virtual core: vcpu / smp.threads. */
  vcore: number;
  /** Host CPUs it is pinned to, or null when it floats over every host CPU. */
  allowed: number[] | null;
}

export function vcpuPlans(g: Guest, topo: HostTopology): VcpuPlan[] {
  const pins = new Map(g.vcpupin.map((p) => [p.vcpu, parseCpuset(p.cpuset, topo.cpuCount)]));
  return Array.from({ length: vcpuCount(g) }, (_, v) => ({ guest: g.name, vcpu: v, vcore: Math.floor(v / g.smp.threads), allowed: pins.get(v) ?? null }));
}

/**
 * MMU warnings: the host is a POWER9 running KVM-HV, whose guests are radix (or HPT); shadow
 * paging, TDP and kvm-intel's bypass_guest_pf are x86 paths (seed kvm-mmu-remove-bypass-guest-pf).
 * The run still simulates their exit counts, as a what-if, but says that no such host exists.
 */
export function mmuWarnings(g: Guest): string[] {
  const out: string[] = [];
  if (g.mmu !== 'radix')
    out.push(`guest ${g.name}: mmu '${g.mmu}' is an x86 MMU mode; a POWER9 KVM-HV host runs radix guests (its exits are simulated as on x86)`);
  if (g.bypassGuestPf) out.push(`guest ${g.name}: bypassGuestPf is kvm-intel's bypass_guest_pf, an x86 shadow-paging option; it does not exist on a POWER9 host`);
  return out;
}

/**
 * Placement warnings (docs/architecture.md §3.2): a guest whose virtual cores have more threads than the
 * host's cores, and a pinning that leaves the vCPUs of one virtual core no physical core in common.
 */
export function placementWarnings(g: Guest, topo: HostTopology): string[] {
  const out: string[] = [];
  if (g.smp.threads > topo.threadsPerCore)
    out.push(`guest ${g.name}: ${g.smp.threads} threads per virtual core exceed the host's ${topo.threadsPerCore} threads per core; KVM-HV cannot run a virtual core on one physical core`);
  const plans = vcpuPlans(g, topo);
  const vcores = new Map<number, VcpuPlan[]>();
  for (const p of plans) vcores.set(p.vcore, [...(vcores.get(p.vcore) ?? []), p]);
  for (const [vc, members] of vcores) {
    const pinned = members.filter((m) => m.allowed);
    if (pinned.length === 0) continue;
    const coreSets = pinned.map((m) => new Set(m.allowed!.map((c) => topo.coreOf(c))));
    const common = [...coreSets[0]].filter((c) => coreSets.every((s) => s.has(c)));
    if (common.length === 0 || pinned.length < members.length) {
      const cores = [...new Set(coreSets.flatMap((s) => [...s]))].sort((a, b) => a - b);
      const vcpus = members.map((m) => m.vcpu).join(',');
      const why = pinned.length < members.length ? 'partly unpinned' : `split across physical cores ${cores.join(',')}`;
      out.push(`guest ${g.name}: virtual core ${vc} (vCPUs ${vcpus}) is ${why}`);
    }
  }
  return out;
}
