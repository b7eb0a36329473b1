import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWorkspace } from '../../src-common/workspace';
import { seedWorkspace } from './dev/cases';
import { overcommittedSets } from './overcommit';
import { topologyWarnings } from './warnings';

/**
 * The overcommit warning (Problems tab and badges): one per set of threads whose pinned vCPUs
 * cannot each have one, named in the user's words. In the seed, guest A pins two vCPUs to each
 * core of CPUs 0-111 and guest B (vCPUs 0-3) floats; CPUs 112-127 are free.
 */
function overcommit(pins: Record<number, string>) {
  const ws = seedWorkspace();
  ws.guests[1].vcpupin = Object.entries(pins).map(([vcpu, cpuset]) => ({ vcpu: Number(vcpu), cpuset }));
  return topologyWarnings(parseWorkspace(ws)).filter((w) => w.code === 'overcommit');
}

describe('overcommitted threads', () => {
  it('one CPU: "CPU N is", the vCPUs by guest, the thread it is', () => {
    const w = overcommit({ 0: '120', 1: '120' });
    expect(w.map((x) => x.message)).toEqual(['CPU 120 is overcommitted: 2 vCPUs (guest B vCPUs 0-1) are pinned to this one thread']);
    expect(w[0].field).toBe('guests[1].vcpupin');
    expect(w[0].nodes).toEqual(['pu:120', 'vcpu:B:0', 'vcpu:B:1']);
  });

  it('a vCPU floating over a range overcommits nothing while the range has a thread for it', () => {
    // Four vCPUs on four threads: the scheduler gives 112 to vCPU 0 and 113-115 to the others.
    expect(overcommit({ 0: '112', 1: '112-115', 2: '112-115', 3: '112-115' })).toEqual([]);
    expect(overcommit({ 0: '112', 1: '112-113', 2: '113-115', 3: '115' })).toEqual([]);
  });

  it('a range with more vCPUs than threads is one warning for the whole range', () => {
    expect(overcommit({ 0: '112-114', 1: '112-114', 2: '112-114', 3: '112-114' }).map((x) => x.message)).toEqual([
      'CPUs 112-114 are overcommitted: 4 vCPUs (guest B vCPUs 0-3) are pinned to these 3 threads',
    ]);
  });

  it('one warning per overcommitted set, not per CPU; vCPUs that can move elsewhere are not in it', () => {
    // 0 on 112, 1 on 112-113, 2 on 113: three vCPUs for two threads. 3 floats over 112-115 and has 114 or 115.
    expect(overcommit({ 0: '112', 1: '112-113', 2: '113', 3: '112-115' }).map((x) => x.message)).toEqual([
      'CPUs 112-113 are overcommitted: 3 vCPUs (guest B vCPUs 0-2) are pinned to these 2 threads',
    ]);
    // Two sets apart: two warnings.
    expect(overcommit({ 0: '112', 1: '112', 2: '120', 3: '120' }).map((x) => x.message)).toEqual([
      'CPU 112 is overcommitted: 2 vCPUs (guest B vCPUs 0-1) are pinned to this one thread',
      'CPU 120 is overcommitted: 2 vCPUs (guest B vCPUs 2-3) are pinned to this one thread',
    ]);
  });

  it('names the vCPUs of every guest in the set', () => {
    // Guest A's vCPUs 0-1 share CPUs 0-3; B's four vCPUs on 0-3 too make six for four threads.
    expect(overcommit({ 0: '0-3', 1: '0-3', 2: '0-3', 3: '0-3' }).map((x) => x.message)).toEqual([
      'CPUs 0-3 are overcommitted: 6 vCPUs (guest A vCPUs 0-1, guest B vCPUs 0-3) are pinned to these 4 threads',
    ]);
  });
});

describe('overcommittedSets', () => {
  it('is Hall: a set exactly when some vCPUs have fewer threads than they are', () => {
    const pin = (vcpu: number, cpus: number[]) => ({ guest: 0, vcpu, cpus });
    expect(overcommittedSets([pin(0, [4]), pin(1, [4, 5, 6, 7]), pin(2, [4, 5, 6, 7]), pin(3, [4, 5, 6, 7])])).toEqual([]);
    const five = [0, 1, 2, 3, 4].map((v) => pin(v, [4, 5, 6, 7]));
    expect(overcommittedSets(five)).toEqual([{ vcpus: five, cpus: [4, 5, 6, 7] }]);
    // A chain that only an augmenting path resolves: 0 takes 1 first, then 1 must move 0 to 0.
    expect(overcommittedSets([pin(0, [1, 0]), pin(1, [1])])).toEqual([]);
  });

  it('agrees with brute force on small random pinnings: a set exactly when no assignment gives each vCPU its own thread', () => {
    /** Can every vCPU have a thread of its own? Tries every assignment. */
    const assignable = (sets: number[][], used = new Set<number>(), v = 0): boolean =>
      v === sets.length || sets[v].some((c) => !used.has(c) && assignable(sets, new Set([...used, c]), v + 1));
    const cpusets = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 7 });
    fc.assert(
      fc.property(cpusets, (sets) => {
        const pins = sets.map((cpus, vcpu) => ({ guest: 0, vcpu, cpus: [...cpus].sort((a, b) => a - b) }));
        const found = overcommittedSets(pins);
        expect(found.length > 0).toBe(!assignable(sets));
        for (const s of found) {
          // More vCPUs than threads, and every vCPU in it is pinned within those threads.
          expect(s.vcpus.length).toBeGreaterThan(s.cpus.length);
          for (const p of s.vcpus) expect(p.cpus.every((c) => s.cpus.includes(c))).toBe(true);
        }
        // The sets are disjoint.
        const all = found.flatMap((s) => s.cpus);
        expect(new Set(all).size).toBe(all.length);
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it('a large host: 1,024 vCPUs floating over 384 threads are one set of all of them', () => {
    const cpus = Array.from({ length: 384 }, (_, c) => c);
    const pins = Array.from({ length: 1024 }, (_, v) => ({ guest: v >> 8, vcpu: v & 255, cpus }));
    const sets = overcommittedSets(pins);
    expect(sets.length).toBe(1);
    expect(sets[0].cpus).toEqual(cpus);
    expect(sets[0].vcpus.length).toBe(1024);
  });
});
