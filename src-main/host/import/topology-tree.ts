import { cacheLabel, canonicalCache, emptyWorkspace, parseWorkspace, power9Caches, type CacheLevel, type Host, type HostBridge, type Workspace } from '../../../src-common/workspace';

/**
 * The common shape of an hwloc topology, whether read from `lstopo --of xml` or built from a
 * synthetic description: typed objects with children; NUMANodes carry memory.
 */
export interface TopoNode {
  type: 'Machine' | 'Package' | 'Die' | 'Group' | 'NUMANode' | 'Cache' | 'Core' | 'PU' | 'MemCache';
  memoryBytes?: number;
  /** A CPU cache's geometry (hwloc cache_size, depth, cache_linesize, cache_associativity, cache_type, Inclusive). */
  cache?: Omit<CacheLevel, 'cores'>;
  /** Host bridges attached to this object (hwloc puts I/O below the object it is local to). */
  io?: Omit<HostBridge, 'socket'>[];
  children: TopoNode[];
  /** Where it came from, for error messages (`topology/object[0]/object[2]`). */
  where: string;
}

function walk(n: TopoNode, fn: (n: TopoNode, ancestors: TopoNode[]) => void, anc: TopoNode[] = []): void {
  fn(n, anc);
  for (const c of n.children) walk(c, fn, [...anc, n]);
}

const count = (n: TopoNode, type: TopoNode['type']): number => {
  let k = 0;
  walk(n, (x) => (k += x.type === type ? 1 : 0));
  return k;
};

/** What the synthetic importer gives a NUMA node whose memory the description does not say (hwloc's own default). */
export const DEFAULT_NUMA_MEMORY_BYTES = 2 ** 30;

/**
 * Sockets, cores per socket, threads per core and memory per socket of a topology tree, with its
 * caches and I/O. A package whose NUMA nodes carry no memory (lstopo writes such XML from a
 * synthetic input) gets the synthetic importer's default. What was assumed, or could not be
 * kept, is pushed on `notes`, naming the object.
 */
export function treeToHost(root: TopoNode, name: string, notes: string[] = []): Host {
  const packages: TopoNode[] = [];
  walk(root, (n) => n.type === 'Package' && packages.push(n));
  if (packages.length === 0) packages.push(root);
  const threads = new Set<number>();
  const sockets = packages.map((p) => {
    const cores: TopoNode[] = [];
    walk(p, (n) => n.type === 'Core' && cores.push(n));
    if (cores.length === 0) {
      const pus = count(p, 'PU');
      if (pus === 0) throw new Error(`${p.where}: package has no PU`);
      threads.add(1);
      return { cores: pus, memoryBytes: 0 };
    }
    for (const c of cores) {
      const pus = count(c, 'PU');
      if (pus === 0) throw new Error(`${c.where}: core has no PU`);
      threads.add(pus);
    }
    return { cores: cores.length, memoryBytes: 0 };
  });
  if (threads.size > 1) throw new Error(`cores have different numbers of threads (${[...threads].sort().join(' and ')}); the model needs one SMT mode per host`);
  // Memory: a NUMANode inside a package belongs to it; one above packages (hwloc 2 attaches memory
  // to the parent, hwloc 1 nests packages in it) is shared evenly by the packages below that parent.
  walk(root, (n, anc) => {
    if (n.type !== 'NUMANode' || !n.memoryBytes) return;
    const inPkg = anc.findIndex((a) => packages.includes(a));
    if (inPkg >= 0) {
      sockets[packages.indexOf(anc[inPkg])].memoryBytes += n.memoryBytes;
      return;
    }
    const scope = n.children.length ? n : (anc[anc.length - 1] ?? root);
    const under = packages.filter((p) => p === scope || (function has(x: TopoNode): boolean {
      return x === p || x.children.some(has);
    })(scope));
    const targets = under.length ? under : packages;
    for (const p of targets) sockets[packages.indexOf(p)].memoryBytes += Math.floor(n.memoryBytes / targets.length);
  });
  const bare = sockets.flatMap((s, i) => (s.memoryBytes <= 0 ? [i] : []));
  for (const i of bare) sockets[i].memoryBytes = DEFAULT_NUMA_MEMORY_BYTES;
  if (bare.length)
    notes.push(
      `${bare.length === sockets.length ? 'no NUMA node carries memory' : `package${bare.length === 1 ? '' : 's'} ${bare.join(', ')} ha${bare.length === 1 ? 's' : 've'} no NUMA memory`}: gave ${bare.length === 1 ? 'it' : 'each'} ${DEFAULT_NUMA_MEMORY_BYTES / 2 ** 30} GiB, as a synthetic description would`,
    );
  const threadsPerCore = [...threads][0] as Host['threadsPerCore'];
  const caches = treeCaches(root, packages, threadsPerCore, notes);
  const io = treeIo(root, packages);
  return { name, model: 'POWER9', threadsPerCore, sockets, ...(caches ? { caches } : {}), ...(io.length ? { io } : {}) };
}

const within = (outer: TopoNode, x: TopoNode): boolean => outer === x || outer.children.some((c) => within(c, x));

/** The package (index) an object belongs to: its package ancestor, itself, or the only package below it. */
function packageOf(n: TopoNode, anc: readonly TopoNode[], packages: readonly TopoNode[]): number | undefined {
  const up = [...anc, n].reverse().find((a) => packages.includes(a));
  if (up) return packages.indexOf(up);
  const below = packages.filter((p) => within(n, p));
  return below.length === 1 ? packages.indexOf(below[0]) : undefined;
}

/**
 * The caches of a tree as per-level geometry shared by N consecutive cores. A level is kept when
 * its instances agree (else the most common geometry, with a note); caches spanning packages or
 * nesting unlike hwloc cannot be described that way and are left out, with a note. A POWER9's own
 * geometry (power9Caches) is left implicit, so a host exported and imported again is unchanged.
 */
function treeCaches(root: TopoNode, packages: readonly TopoNode[], threadsPerCore: number, notes: string[]): CacheLevel[] | undefined {
  type Inst = { geo: Omit<CacheLevel, 'cores'>; cores: number; pkg: number; where: string };
  const byKey = new Map<string, Inst[]>();
  walk(root, (n, anc) => {
    if (n.type !== 'Cache' || !n.cache) return;
    const label = cacheLabel(n.cache);
    const pkg = packageOf(n, anc, packages);
    if (pkg === undefined || (packages[0] !== root && packages.filter((p) => within(n, p)).length > 1)) {
      notes.push(`${n.where}: an ${label} cache shared by several packages is not kept`);
      return;
    }
    let cores = count(n, 'Core');
    if (cores === 0) {
      cores = 1;
      notes.push(`${n.where}: an ${label} cache inside a core (${count(n, 'PU')} of its ${threadsPerCore} threads) is kept as one per core`);
    }
    const key = `${n.cache.level}${n.cache.type}`;
    byKey.set(key, [...(byKey.get(key) ?? []), { geo: n.cache, cores, pkg, where: n.where }]);
  });
  const rank = { data: 0, instruction: 1, unified: 2 } as const;
  const levels: CacheLevel[] = [];
  for (const insts of byKey.values()) {
    const label = cacheLabel(insts[0].geo);
    const sig = (i: Inst) => JSON.stringify(i.geo);
    const tally = new Map<string, number>();
    for (const i of insts) tally.set(sig(i), (tally.get(sig(i)) ?? 0) + 1);
    const common = [...tally].sort((a, b) => b[1] - a[1])[0][0];
    if (tally.size > 1) notes.push(`${label} caches differ (${tally.size} kinds): kept the most common, ${insts.find((i) => sig(i) === common)!.geo.sizeBytes} bytes`);
    const cores = Math.max(...insts.map((i) => i.cores));
    // Only the last instance of a package may be smaller (a package whose cores do not divide evenly).
    const uneven = insts.filter((i, k) => i.cores !== cores && insts[k + 1]?.pkg === i.pkg);
    if (uneven.length) notes.push(`${label} caches are shared unevenly (${uneven[0].where} by ${uneven[0].cores} cores): kept as ${cores} cores each`);
    const pkgs = new Set(insts.map((i) => i.pkg));
    if (pkgs.size < packages.length) notes.push(`${label} caches on ${pkgs.size} of ${packages.length} packages: kept for all`);
    levels.push(canonicalCache({ ...(JSON.parse(common) as Omit<CacheLevel, 'cores'>), cores }));
  }
  levels.sort((a, b) => a.level - b.level || rank[a.type] - rank[b.type]);
  // hwloc nests caches: an outer level's sharing must be a multiple of every inner one's.
  const kept = levels.filter((c) => {
    const bad = levels.find((o) => o.level < c.level && (o.cores > c.cores || c.cores % o.cores !== 0));
    if (bad) notes.push(`${cacheLabel(c)} caches shared by ${c.cores} cores cannot hold ${cacheLabel(bad)} caches shared by ${bad.cores}: ${cacheLabel(c)} not kept`);
    return !bad;
  });
  if (!kept.length) {
    if (!levels.length) notes.push('no caches described: the host has the POWER9 caches (L1 per core, L2 and L3 per core pair)');
    return undefined;
  }
  return JSON.stringify(kept) === JSON.stringify(power9Caches(threadsPerCore)) ? undefined : kept;
}

/** Host bridges, each on the package it is local to (absent: the machine), in tree order. */
function treeIo(root: TopoNode, packages: readonly TopoNode[]): HostBridge[] {
  const out: HostBridge[] = [];
  walk(root, (n, anc) => {
    if (!n.io?.length) return;
    // Only a package the bridge is inside (or, in hwloc 1.x, a NUMA node wrapping one package): one below the machine stays the machine's.
    const pkg = packages[0] === root ? undefined : n.type === 'NUMANode' ? packageOf(n, anc, packages) : (() => {
      const up = [...anc, n].reverse().find((a) => packages.includes(a));
      return up ? packages.indexOf(up) : undefined;
    })();
    for (const b of n.io) out.push({ ...(pkg !== undefined ? { socket: pkg } : {}), ...b });
  });
  return out;
}

/** A new workspace around an imported host, validated (every problem names its field). */
export function workspaceForHost(host: Host, name: string): Workspace {
  const ws = emptyWorkspace(name);
  return parseWorkspace({ ...ws, host });
}

export function sanitizeName(s: string | undefined, fallback: string): string {
  const n = (s ?? '').replace(/[^A-Za-z0-9_.+-]/g, '-').replace(/^[^A-Za-z0-9_]+/, '').slice(0, 64);
  return n || fallback;
}

/** Notes as host.source keeps them: each once, at most 20 (the last says how many more), each cut to 500 characters. */
export function boundNotes(notes: readonly string[]): string[] {
  const uniq = [...new Set(notes)].map((n) => (n.length > 500 ? `${n.slice(0, 499)}…` : n));
  return uniq.length > 20 ? [...uniq.slice(0, 19), `… and ${uniq.length - 19} more`] : uniq;
}
