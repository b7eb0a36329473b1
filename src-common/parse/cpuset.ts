/**
 * libvirt / cpuset(7) list syntax: `0-3`, `1-4,^2`, `0,4,8-11`. A `^N` item removes N from
 * what the other items add. Returns the CPUs in ascending order.
 */
export function parseCpuset(text: string, maxCpuExclusive = Number.MAX_SAFE_INTEGER): number[] {
  const add = new Set<number>();
  const remove = new Set<number>();
  if (!text.trim()) throw new Error('empty cpuset');
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const m = /^(\^)?(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw new Error(`invalid cpuset item '${item}' in '${text}' (expected N, N-M or ^N)`);
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (m[1] && m[3] !== undefined) throw new Error(`invalid cpuset item '${item}': ^ takes a single CPU`);
    if (hi < lo) throw new Error(`invalid cpuset range '${item}': ${hi} < ${lo}`);
    if (hi >= maxCpuExclusive) throw new Error(`CPU ${hi} in '${text}' is beyond the host (CPUs 0-${maxCpuExclusive - 1})`);
    for (let c = lo; c <= hi; c++) (m[1] ? remove : add).add(c);
  }
  const cpus = [...add].filter((c) => !remove.has(c)).sort((a, b) => a - b);
  if (cpus.length === 0) throw new Error(`cpuset '${text}' selects no CPU`);
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
