import { LIMITS, atMost } from './limits';
import { clip, quote } from './quote';

/** What a list names, for messages: host CPUs (the default), host NUMA nodes, or a guest's vCPUs. */
export interface SetOf {
  set: string;
  one: string;
  many: string;
  scope: string;
}
export const CPUS: SetOf = { set: 'cpuset', one: 'CPU', many: 'CPUs', scope: 'the host' };
export const NODES: SetOf = { set: 'nodeset', one: 'node', many: 'nodes', scope: "the host's NUMA nodes" };
export const VCPUS: SetOf = { set: 'vCPU list', one: 'vCPU', many: 'vCPUs', scope: 'the guest' };
export const CELLS: SetOf = { set: 'nodeset', one: 'cell', many: 'cells', scope: "the guest's NUMA cells" };

/**
 * libvirt / cpuset(7) list syntax: `0-3`, `1-4,^2`, `0,4,8-11`. A `^N` item removes N from
 * what the other items add. Returns the CPUs in ascending order. Bounded before anything is
 * expanded: the text's length, and every CPU number below `maxCpuExclusive` (the host's CPUs,
 * or libvirt's own mask length when there is no host), so `0-15000000` costs nothing.
 */
export function parseCpuset(text: string, maxCpuExclusive: number = LIMITS.cpusetCpu.value, what: SetOf = CPUS): number[] {
  if (text.length > LIMITS.cpusetChars.value) throw new Error(`cpuset of ${text.length} characters; ${atMost('cpusetChars')}`);
  if (!text.trim()) throw new Error(`empty ${what.set}`);
  const ranges: [number, number][] = [];
  const remove = new Set<number>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^(\^)?(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw new Error(`invalid cpuset item ${quote(item, 40)} in ${quote(text, 60)} (expected N, N-M or ^N)`);
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (m[1] && m[3] !== undefined) throw new Error(`invalid cpuset item ${quote(item, 40)}: ^ takes a single CPU`);
    if (hi < lo) throw new Error(`invalid cpuset range ${quote(item, 40)}: ${clip(m[3], 20)} < ${clip(m[2], 20)}`);
    if (hi >= maxCpuExclusive) throw new Error(`${what.one} ${clip(m[3] ?? m[2], 20)} in ${quote(text, 60)} is beyond ${what.scope} (${what.many} 0-${maxCpuExclusive - 1})`);
    if (m[1]) remove.add(lo);
    else ranges.push([lo, hi]);
  }
  // Overlapping ranges are merged first, so the expansion is at most maxCpuExclusive CPUs.
  ranges.sort((a, b) => a[0] - b[0]);
  const cpus: number[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    for (let c = Math.max(lo, next); c <= hi; c++) if (!remove.has(c)) cpus.push(c);
    next = Math.max(next, hi + 1);
  }
  if (cpus.length === 0) throw new Error(`${what.set} ${quote(text, 60)} selects no ${what.one}`);
  return cpus;
}

/** Compact rendering: [0,1,2,3,8] → "0-3,8". */
export function formatCpuset(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
