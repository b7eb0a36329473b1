import { NODES, formatCpuset, parseCpuset } from '../parse/cpuset';
import { vcpuCount, type Guest, type MemoryBinding } from './guest';
import type { Host } from './host';

/**
 * Where a guest's vCPUs, QEMU threads and memory sit on the host's NUMA nodes (one node per
 * socket), from its libvirt pinning and binding. Pure: shared by the engine (remote-node costs),
 * the Problems tab and run warnings. Anything unparsable counts as unpinned here; the schema
 * reports it with its field.
 */

/** The NUMA node (socket) of each host CPU. */
export function cpuNodes(host: Pick<Host, 'sockets' | 'threadsPerCore'>): number[] {
  return host.sockets.flatMap((s, i) => new Array<number>(s.cores * host.threadsPerCore).fill(i));
}

function cpus(text: string | undefined, n: number): number[] | null {
  if (text === undefined) return null;
  try {
    return parseCpuset(text, n);
  } catch {
    return null;
  }
}

function nodes(text: string, n: number): number[] {
  try {
    return parseCpuset(text, n, NODES);
  } catch {
    return [];
  }
}

/** Host CPUs each vCPU may run on (null: anywhere). */
export function vcpuAllowed(g: Guest, host: Host): (number[] | null)[] {
  const n = cpuNodes(host).length;
  const out: (number[] | null)[] = new Array<number[] | null>(vcpuCount(g)).fill(null);
  for (const p of g.vcpupin) if (p.vcpu < out.length) out[p.vcpu] = cpus(p.cpuset, n);
  return out;
}

/** The guest's cells as vCPU lists (one cell of every vCPU and all memory when it has none). */
export function guestCells(g: Guest): { id: number; vcpus: number[]; memoryBytes: number }[] {
  const n = vcpuCount(g);
  if (!g.numaCells?.length) return [{ id: 0, vcpus: Array.from({ length: n }, (_, i) => i), memoryBytes: g.memoryBytes }];
  return g.numaCells.map((c) => {
    let vcpus: number[] = [];
    try {
      vcpus = parseCpuset(c.cpus, n);
    } catch {
      // reported by the schema
    }
    return { id: c.id, vcpus, memoryBytes: c.memoryBytes };
  });
}

/** The binding of one cell: its memnode, else the guest's numatune memory, else none. */
export function cellBinding(g: Guest, cellId: number): MemoryBinding | null {
  return g.numatune?.memnode?.find((m) => m.cellid === cellId) ?? g.numatune?.memory ?? null;
}

/** Per host node, the share of `vcpus`' time spent there (even over each vCPU's allowed CPUs; unpinned: every CPU). */
function vcpuNodeShares(vcpus: readonly number[], allowed: readonly (number[] | null)[], nodeOf: readonly number[], nodeCount: number): number[] {
  const share = new Array<number>(nodeCount).fill(0);
  if (!vcpus.length) return share;
  const all = nodeOf.map((_, c) => c);
  for (const v of vcpus) {
    const set = allowed[v] ?? all;
    for (const c of set) share[nodeOf[c]] += 1 / set.length / vcpus.length;
  }
  return share;
}

/**
 * Bytes of each guest cell's memory on each host node, as Linux 5.3 places it: interleave
 * spreads it evenly over the nodeset; strict (MPOL_BIND) and restrictive (cpuset.mems) allocate
 * on the faulting vCPU's node when the set allows it, else on the set's first node; preferred on
 * the faulting vCPU's node if it is the preferred one, else the preferred node; no binding: where
 * the vCPUs run (first touch).
 */
export function cellMemoryByNode(g: Guest, host: Host): { id: number; vcpus: number[]; byNode: number[] }[] {
  const nodeOf = cpuNodes(host);
  const count = host.sockets.length;
  const allowed = vcpuAllowed(g, host);
  return guestCells(g).map((cell) => {
    const local = vcpuNodeShares(cell.vcpus, allowed, nodeOf, count);
    const b = cellBinding(g, cell.id);
    const set = b ? nodes(b.nodeset, count) : [];
    let share: number[];
    if (!b || !set.length) share = local.some((s) => s > 0) ? local : new Array<number>(count).fill(1 / count);
    else if (b.mode === 'interleave') share = local.map((_, i) => (set.includes(i) ? 1 / set.length : 0));
    else {
      const first = set[0];
      const inSet = b.mode === 'preferred' ? [first] : set;
      share = local.map((s, i) => (inSet.includes(i) ? s : 0));
      share[first] += 1 - share.reduce((a, s) => a + s, 0);
    }
    return { id: cell.id, vcpus: cell.vcpus, byNode: share.map((s) => s * cell.memoryBytes) };
  });
}

/** Bytes of the guest's memory on each host node (the sum over its cells). */
export function guestMemoryByNode(g: Guest, host: Host): number[] {
  const out = new Array<number>(host.sockets.length).fill(0);
  for (const c of cellMemoryByNode(g, host)) c.byNode.forEach((b, i) => (out[i] += b));
  return out;
}

export interface GuestNumaWarning {
  code: 'numa-remote' | 'emulator-on-vcpu-cores' | 'hugepages-over-node';
  field: string;
  message: string;
  guest: number;
  /** The vCPUs and host CPUs it is about (for badges). */
  vcpus: number[];
  cpus: number[];
}

/**
 * Bindings that are valid but cost what a user did not mean to pay: memory bound away from the
 * node its vCPUs are pinned to (every access remote), emulator or IOThreads pinned onto cores
 * that run pinned vCPUs (their wakeups preempt the vCPUs), and hugepage-backed guests asking a
 * node for more memory than it has.
 */
export function guestNumaWarnings(ws: { host: Host; guests: Guest[] }): GuestNumaWarning[] {
  const out: GuestNumaWarning[] = [];
  const host = ws.host;
  const nodeOf = cpuNodes(host);
  const count = host.sockets.length;
  const coreOf = (c: number) => Math.floor(c / host.threadsPerCore);
  const vcpuCores = new Map<number, { guest: number; vcpu: number }[]>();
  ws.guests.forEach((g, gi) =>
    vcpuAllowed(g, host).forEach((set, v) => {
      for (const c of set ?? []) vcpuCores.set(coreOf(c), [...(vcpuCores.get(coreOf(c)) ?? []), { guest: gi, vcpu: v }]);
    }),
  );
  const hugeByNode = new Array<number>(count).fill(0);
  const hugeGuests: number[][] = Array.from({ length: count }, () => []);
  ws.guests.forEach((g, gi) => {
    const allowed = vcpuAllowed(g, host);
    for (const cell of guestCells(g)) {
      const b = cellBinding(g, cell.id);
      if (!b) continue;
      const set = nodes(b.nodeset, count);
      const pinned = cell.vcpus.filter((v) => allowed[v]);
      const away = pinned.filter((v) => !allowed[v]!.some((c) => set.includes(nodeOf[c])));
      if (set.length && away.length) {
        const where = [...new Set(away.flatMap((v) => allowed[v]!.map((c) => nodeOf[c])))].sort((a, b) => a - b);
        const field = g.numatune?.memnode?.some((m) => m.cellid === cell.id) ? `guests[${gi}].numatune.memnode` : `guests[${gi}].numatune.memory`;
        out.push({
          code: 'numa-remote',
          field,
          message: `guest ${g.name}${g.numaCells ? `, cell ${cell.id}` : ''}: memory bound to node ${formatCpuset(set)} (${b.mode}) but vCPU${away.length > 1 ? 's' : ''} ${formatCpuset(away)} pinned to node ${formatCpuset(where)}: every access is remote`,
          guest: gi,
          vcpus: away,
          cpus: [],
        });
      }
    }
    const threads: { what: string; field: string; set: number[] | null }[] = [
      { what: 'emulator threads', field: `guests[${gi}].emulatorpin`, set: cpus(g.emulatorpin, nodeOf.length) },
      ...(g.iothreadpin ?? []).map((p, pi) => ({ what: `IOThread ${p.iothread}`, field: `guests[${gi}].iothreadpin[${pi}].cpuset`, set: cpus(p.cpuset, nodeOf.length) })),
    ];
    for (const t of threads) {
      if (!t.set) continue;
      const shared = t.set.filter((c) => vcpuCores.has(coreOf(c)));
      if (!shared.length) continue;
      const users = [...new Map(shared.flatMap((c) => vcpuCores.get(coreOf(c))!).map((u) => [`${u.guest}:${u.vcpu}`, u])).values()];
      const names = [...new Set(users.map((u) => ws.guests[u.guest].name))];
      out.push({
        code: 'emulator-on-vcpu-cores',
        field: t.field,
        message: `guest ${g.name}: ${t.what} pinned to ${shared.length === 1 ? 'CPU' : 'CPUs'} ${formatCpuset(shared)}, on cores that run pinned vCPUs (${names.map((n) => `guest ${n}`).join(', ')}): their wakeups preempt those vCPUs`,
        guest: gi,
        vcpus: users.filter((u) => u.guest === gi).map((u) => u.vcpu),
        cpus: shared,
      });
    }
    if (g.hugepages) {
      guestMemoryByNode(g, host).forEach((b, node) => {
        if (b > 0) {
          hugeByNode[node] += b;
          hugeGuests[node].push(gi);
        }
      });
    }
  });
  hugeByNode.forEach((b, node) => {
    const have = host.sockets[node].memoryBytes;
    if (b <= have) return;
    const names = hugeGuests[node].map((gi) => ws.guests[gi].name);
    const gi = hugeGuests[node][0];
    out.push({
      code: 'hugepages-over-node',
      field: `guests[${gi}].hugepages`,
      message: `node ${node}: hugepage-backed guest memory (${names.map((n) => `guest ${n}`).join(', ')}) needs ${gib(b)}, the node has ${gib(have)}: QEMU cannot allocate it`,
      guest: gi,
      vcpus: [],
      cpus: nodeOf.flatMap((n, c) => (n === node ? [c] : [])),
    });
  });
  return out;
}

const gib = (b: number) => `${Number((b / 2 ** 30).toFixed(2))} GiB`;
