/** A pinned vCPU (guest index, vCPU number) and the host CPUs its cpuset allows. */
export interface PinnedVcpu {
  guest: number;
  vcpu: number;
  cpus: readonly number[];
}

/** vCPUs pinned within fewer host threads than there are of them, and those threads (ascending). */
export interface OvercommittedSet {
  vcpus: PinnedVcpu[];
  cpus: number[];
}

/**
 * The sets of pinned vCPUs that cannot each have a host thread of their own, whatever the
 * scheduler does. By Hall's theorem such a set exists exactly when no assignment gives every
 * vCPU its own thread within its cpuset, so a vCPU floating over a range overcommits nothing
 * while the range has a thread for it (two vCPUs on `4-7` beside two on `4` do not; five on
 * `4-7` do, and so do two on `4` whatever floats beside them).
 *
 * A maximum matching of vCPUs to threads (augmenting paths); every vCPU left without a thread,
 * with the threads reachable from it by alternating paths and the vCPUs holding them, is a set
 * with more vCPUs than threads. Sets that share a thread are reported as one.
 */
export function overcommittedSets(pins: readonly PinnedVcpu[]): OvercommittedSet[] {
  const owner = new Map<number, number>(); // thread → index of the vCPU matched to it
  // A thread from which a failed search found no free thread stays so: later augmenting paths
  // cannot enter its closed region, so no search needs to look there again.
  const dead = new Set<number>();
  const augment = (v: number, seen: Set<number>): boolean => {
    for (const c of pins[v].cpus) {
      if (seen.has(c) || dead.has(c)) continue;
      seen.add(c);
      const o = owner.get(c);
      if (o === undefined || augment(o, seen)) {
        owner.set(c, v);
        return true;
      }
    }
    return false;
  };
  const unmatched: number[] = [];
  pins.forEach((p, v) => {
    const free = p.cpus.find((c) => !owner.has(c));
    if (free !== undefined) return void owner.set(free, v);
    const seen = new Set<number>();
    if (!augment(v, seen)) {
      unmatched.push(v);
      seen.forEach((c) => dead.add(c));
    }
  });

  // The region of each unmatched vCPU: its threads are all taken (else it would have matched),
  // their holders can move only to taken threads, and so on. Regions that meet are merged.
  const setOf = new Map<number, number>(); // thread → region id
  const parent: number[] = [];
  const root = (r: number): number => (parent[r] === r ? r : (parent[r] = root(parent[r])));
  const regionOfUnmatched = new Map<number, number>();
  for (const start of unmatched) {
    const id = parent.length;
    parent.push(id);
    regionOfUnmatched.set(start, id);
    const queue = [start];
    const queued = new Set(queue);
    while (queue.length) {
      for (const c of pins[queue.pop()!].cpus) {
        const other = setOf.get(c);
        if (other !== undefined) {
          parent[root(other)] = root(id);
          continue;
        }
        setOf.set(c, id);
        const o = owner.get(c)!;
        if (!queued.has(o)) {
          queued.add(o);
          queue.push(o);
        }
      }
    }
  }
  const sets = new Map<number, { vcpus: Set<number>; cpus: number[] }>();
  const setFor = (region: number) => {
    const r = root(region);
    if (!sets.has(r)) sets.set(r, { vcpus: new Set(), cpus: [] });
    return sets.get(r)!;
  };
  for (const [c, region] of setOf) {
    const s = setFor(region);
    s.cpus.push(c);
    s.vcpus.add(owner.get(c)!);
  }
  for (const [v, region] of regionOfUnmatched) setFor(region).vcpus.add(v);
  return [...sets.values()]
    .map((s) => ({ vcpus: [...s.vcpus].sort((a, b) => a - b).map((v) => pins[v]), cpus: s.cpus.sort((a, b) => a - b) }))
    .sort((a, b) => a.cpus[0] - b.cpus[0]);
}
