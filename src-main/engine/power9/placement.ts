import type { Rng } from '../core';
import type { HostTopology } from './topology';

/**
 * Where tasks run, computed analytically instead of simulating scheduler ticks: each task has a
 * CPU demand (0..1) and a set of allowed CPUs (null = any). vCPUs of one virtual core are placed
 * together on one physical core when their pinning allows (KVM-HV runs a vcore on one core).
 * Greedy least-loaded placement; ties broken by a seeded stream so seeds vary the layout.
 */
export interface PlaceTask {
  demand: number;
  allowed: readonly number[] | null;
  /** Tasks with the same group key (a guest's virtual core) go to one physical core. */
  group?: string;
}

/** CPU per task (-1 when every allowed CPU is blocked) and the summed demand per CPU. */
export interface Placement {
  cpuOf: number[];
  load: number[];
}

export function placeTasks(tasks: readonly PlaceTask[], topo: HostTopology, blocked: (cpu: number) => boolean, rng: Rng): Placement {
  const load = new Array<number>(topo.cpuCount).fill(0);
  const cpuOf = new Array<number>(tasks.length).fill(-1);
  const allCpus = Array.from({ length: topo.cpuCount }, (_, i) => i);
  // Floating tasks share one list of usable CPUs (placement is linear in tasks, not tasks × CPUs × groups).
  const free = allCpus.filter((c) => !blocked(c));
  const usable = (t: PlaceTask) => (t.allowed ? t.allowed.filter((c) => !blocked(c)) : free);

  const leastLoaded = (cands: readonly number[]): number => {
    let best = Infinity;
    let ties: number[] = [];
    for (const c of cands) {
      if (load[c] < best - 1e-12) {
        best = load[c];
        ties = [c];
      } else if (Math.abs(load[c] - best) <= 1e-12) ties.push(c);
    }
    return ties.length === 0 ? -1 : ties.length === 1 ? ties[0] : ties[rng.int(ties.length)];
  };
  const put = (i: number, cpu: number) => {
    cpuOf[i] = cpu;
    if (cpu >= 0) load[cpu] += tasks[i].demand;
  };

  // Most constrained first: vcore groups, then pinned tasks by set size, then floating tasks.
  const groups = new Map<string, number[]>();
  const singles: number[] = [];
  tasks.forEach((t, i) => {
    if (!t.group) singles.push(i);
    else if (groups.has(t.group)) groups.get(t.group)!.push(i);
    else groups.set(t.group, [i]);
  });

  for (const members of groups.values()) {
    const sets = members.map((i) => usable(tasks[i]));
    // Each member's usable CPUs by core, in the set's order.
    const byCore = sets.map((s) => {
      const m = new Map<number, number[]>();
      for (const c of s) {
        const core = topo.coreOf(c);
        const l = m.get(core);
        if (l) l.push(c);
        else m.set(core, [c]);
      }
      return m;
    });
    const common = [...byCore[0].keys()].filter((core) => byCore.every((m) => m.has(core)));
    if (common.length === 0) {
      members.forEach((i, k) => put(i, leastLoaded(sets[k])));
      continue;
    }
    // The common core with the least load on the threads the group may use.
    const coreLoad = (core: number) => byCore.reduce((n, m) => n + m.get(core)!.reduce((x, c) => x + load[c], 0), 0);
    let bestCores: number[] = [];
    let best = Infinity;
    for (const core of common) {
      const l = coreLoad(core);
      if (l < best - 1e-12) {
        best = l;
        bestCores = [core];
      } else if (Math.abs(l - best) <= 1e-12) bestCores.push(core);
    }
    const core = bestCores.length === 1 ? bestCores[0] : bestCores[rng.int(bestCores.length)];
    members.forEach((i, k) => put(i, leastLoaded(byCore[k].get(core)!)));
  }

  singles.sort((a, b) => (tasks[a].allowed?.length ?? Infinity) - (tasks[b].allowed?.length ?? Infinity) || a - b);
  for (const i of singles) put(i, leastLoaded(usable(tasks[i])));
  return { cpuOf, load };
}
