import type { Workspace } from '../../../src-common/workspace';
import { boundNotes, treeToHost, workspaceForHost, type TopoNode } from './topology-tree';

/**
 * hwloc synthetic descriptions (`lstopo --input "pack:2 core:16 pu:4"`): space-separated levels
 * `type:count`, optionally `(memory=SIZE)`, and memory attached in brackets
 * (`[numa(memory=64GB)]`), as `lstopo --of synthetic` prints them. Without any NUMA memory,
 * hwloc (and this importer) puts one 1 GiB NUMA node on the machine.
 */
const LEVELS: [RegExp, TopoNode['type']][] = [
  [/^(m|machine)$/i, 'Machine'],
  [/^(pack|package|socket|s|p)$/i, 'Package'],
  [/^die$/i, 'Die'],
  [/^(group|g)\d*$/i, 'Group'],
  [/^(numa|numanode|node|n)$/i, 'NUMANode'],
  [/^l[1-5][diu]?(cache)?$/i, 'Cache'],
  [/^(core|c)$/i, 'Core'],
  [/^(pu|thread|t)$/i, 'PU'],
];

/** hwloc's size suffixes: kB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB of 1024 (`memory=1GB` is 10^9 bytes). */
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30, tb: 1e12, tib: 2 ** 40 };

/** `memory=SIZE` (NUMA nodes) and `size=SIZE` (caches) of a level's `(…)`; each only where hwloc takes it. */
function sizeAttrs(attrs: string | undefined, token: string, type: TopoNode['type']): { memory?: number; size?: number } {
  const out: { memory?: number; size?: number } = {};
  if (!attrs) return out;
  for (const a of attrs.split(/\s+/).filter(Boolean)) {
    const m = /^(memory|size)=(\d+)\s*([a-z]*)$/i.exec(a);
    const key = m?.[1].toLowerCase();
    if (!m || (key === 'size' && type !== 'Cache') || (key === 'memory' && type === 'Cache'))
      throw new Error(`synthetic '${token}': unsupported attribute '${a}' (NUMA nodes take memory=SIZE, caches size=SIZE)`);
    const unit = UNITS[m[3].toLowerCase()];
    if (unit === undefined) throw new Error(`synthetic '${token}': unknown size unit '${m[3]}' (B, kB, KiB, MB, MiB, GB, GiB, TB, TiB)`);
    const bytes = Number(m[2]) * unit;
    if (!Number.isSafeInteger(bytes)) throw new Error(`synthetic '${token}': size is too large`);
    out[key as 'memory' | 'size'] = bytes;
  }
  return out;
}

/** hwloc's synthetic cache defaults: L1 32 KiB, L2 4 MiB, each further level 4× larger; 64-byte lines, associativity unknown. */
const defaultCacheBytes = (level: number) => (level === 1 ? 32 * 2 ** 10 : 4 * 2 ** 20 * 4 ** (level - 2));

interface Level {
  type: TopoNode['type'];
  count: number;
  memory?: number;
  cache?: NonNullable<TopoNode['cache']>;
  /** Memory attached to each object of this level (`[numa(memory=…)]` after it). */
  attached?: number;
}

export function parseSynthetic(desc: string): TopoNode {
  const tokens = desc.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new Error('empty synthetic description (e.g. "pack:2 core:16 pu:4")');
  const levels: Level[] = [];
  let machineMemory: number | undefined;
  for (const tok of tokens) {
    const m = /^(\[)?([A-Za-z]+\d*[A-Za-z]*)(?::(\d+))?(?:\(([^)]*)\))?(\])?$/.exec(tok);
    if (!m || Boolean(m[1]) !== Boolean(m[5])) throw new Error(`synthetic: cannot read '${tok}' (expected TYPE:COUNT, e.g. core:16)`);
    const type = LEVELS.find(([re]) => re.test(m[2]))?.[1];
    if (!type) throw new Error(`synthetic: unknown object type '${m[2]}' in '${tok}' (pack, die, group, numa, l1..l5, core, pu)`);
    const attrs = sizeAttrs(m[4], tok, type);
    const mem = attrs.memory;
    if (m[1]) {
      if (type !== 'NUMANode') throw new Error(`synthetic: only NUMA nodes can be attached in brackets, got '${tok}'`);
      const prev = levels[levels.length - 1];
      if (prev) prev.attached = (prev.attached ?? 0) + (mem ?? 2 ** 30);
      else machineMemory = (machineMemory ?? 0) + (mem ?? 2 ** 30);
      continue;
    }
    if (type === 'Machine') {
      machineMemory = mem ?? machineMemory;
      continue;
    }
    if (m[3] === undefined) throw new Error(`synthetic: '${tok}' needs a count (e.g. ${m[2]}:2)`);
    const count = Number(m[3]);
    if (count < 1 || count > 4096) throw new Error(`synthetic: count in '${tok}' must be 1..4096`);
    const cl = /^l([1-5])([diu]?)/i.exec(m[2]);
    const cache = cl
      ? { level: Number(cl[1]), type: cl[2].toLowerCase() === 'd' ? ('data' as const) : cl[2].toLowerCase() === 'i' ? ('instruction' as const) : ('unified' as const), sizeBytes: attrs.size ?? defaultCacheBytes(Number(cl[1])), lineBytes: 64, ways: 0 }
      : undefined;
    levels.push({ type, count, memory: mem, ...(cache ? { cache } : {}) });
  }
  if (levels.length === 0 || levels[levels.length - 1].type !== 'PU') throw new Error('synthetic: the last level must be pu (e.g. "pack:2 core:16 pu:4")');
  const total = levels.reduce((n, l) => n * l.count, 1);
  if (total > 65536) throw new Error(`synthetic: ${total} PUs is too many`);
  const build = (depth: number, where: string): TopoNode[] => {
    if (depth >= levels.length) return [];
    const l = levels[depth];
    return Array.from({ length: l.count }, (_, i) => {
      const w = `${where}/${l.type}[${i}]`;
      const children = build(depth + 1, w);
      if (l.attached) children.unshift({ type: 'NUMANode', memoryBytes: l.attached, children: [], where: `${w}/NUMANode` });
      const node: TopoNode = { type: l.type, children, where: w };
      if (l.type === 'NUMANode') node.memoryBytes = l.memory ?? 2 ** 30;
      if (l.cache) node.cache = l.cache;
      return node;
    });
  };
  const root: TopoNode = { type: 'Machine', children: build(0, 'synthetic'), where: 'synthetic' };
  let hasNuma = false;
  const find = (n: TopoNode) => {
    if (n.type === 'NUMANode') hasNuma = true;
    n.children.forEach(find);
  };
  find(root);
  if (!hasNuma || machineMemory) root.children.unshift({ type: 'NUMANode', memoryBytes: machineMemory ?? 2 ** 30, children: [], where: 'synthetic/NUMANode' });
  return root;
}

export function importSynthetic(desc: string, workspaceName = 'synthetic', notes: string[] = []): Workspace {
  const host = treeToHost(parseSynthetic(desc), 'host', notes);
  // What was assumed (no caches: the POWER9's) stays with the host, as for an XML import.
  if (notes.length) host.source = { from: 'hwloc-synthetic', notes: boundNotes(notes) };
  return workspaceForHost(host, workspaceName);
}
