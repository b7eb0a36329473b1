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
  const usable = (t: PlaceTask) => (t.allowed ?? allCpus).filter((c) => !blocked(c));

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
  tasks.forEach((t, i) => (t.group ? groups.set(t.group, [...(groups.get(t.group) ?? []), i]) : singles.push(i)));

  for (const members of groups.values()) {
    const sets = members.map((i) => usable(tasks[i]));
    const coreSets = sets.map((s) => new Set(s.map((c) => topo.coreOf(c))));
    const common = [...coreSets[0]].filter((core) => coreSets.every((s) => s.has(core)));
    if (common.length === 0) {
      members.forEach((i, k) => put(i, leastLoaded(sets[k])));
      continue;
    }
    // The common core with the least load on the threads the group may use.
    const coreLoad = (core: number) => sets.reduce((n, s) => n + s.filter((c) => topo.coreOf(c) === core).reduce((m, c) => m + load[c], 0), 0);
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
    members.forEach((i, k) => put(i, leastLoaded(sets[k].filter((c) => topo.coreOf(c) === core))));
  }

  singles.sort((a, b) => (tasks[a].allowed?.length ?? Infinity) - (tasks[b].allowed?.length ?? Infinity) || a - b);
  for (const i of singles) put(i, leastLoaded(usable(tasks[i])));
  return { cpuOf, load };
}
