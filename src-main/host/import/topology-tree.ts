import { emptyWorkspace, parseWorkspace, type Host, type Workspace } from '../../../src-common/workspace';

/**
 * The common shape of an hwloc topology, whether read from `lstopo --of xml` or built from a
 * synthetic description: typed objects with children; NUMANodes carry memory.
 */
export interface TopoNode {
  type: 'Machine' | 'Package' | 'Die' | 'Group' | 'NUMANode' | 'Cache' | 'Core' | 'PU' | 'MemCache';
  memoryBytes?: number;
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
 * Sockets, cores per socket, threads per core and memory per socket of a topology tree. A
 * package whose NUMA nodes carry no memory (lstopo writes such XML from a synthetic input) gets
 * the synthetic importer's default; what was assumed is pushed on `notes`.
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
  return { name, model: 'POWER9', threadsPerCore: [...threads][0] as Host['threadsPerCore'], sockets };
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
