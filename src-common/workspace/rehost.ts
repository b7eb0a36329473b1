import { FieldError } from '../parse/field-error';
import { formatCpuset, parseCpuset } from '../parse/cpuset';
import type { Host } from './host';
import type { Workspace } from './schema';

/**
 * Keeping CPU identity across a host edit. Linux numbers CPUs socket-major (cpu = global core
 * × threads per core + thread), so adding a core to socket 0 renumbers every CPU of socket 1:
 * a cpuset that said `64-67` must then say `68-71` to name the same physical threads. These
 * helpers carry every pin (and every MHI controller's socket) to the new numbering, or refuse
 * the edit, naming what would lose its CPU, when a pinned thread would go.
 */

/** A physical thread: socket index, core index within the socket, thread within the core. */
export interface ThreadRef {
  socket: number;
  core: number;
  thread: number;
}

/** The physical thread Linux calls `cpu` on `host`, or null past the last one. */
export function threadOf(host: Host, cpu: number): ThreadRef | null {
  const t = host.threadsPerCore;
  let first = 0;
  for (let s = 0; s < host.sockets.length; s++) {
    const n = host.sockets[s].cores * t;
    if (cpu < first + n) {
      const inSocket = cpu - first;
      return { socket: s, core: Math.floor(inSocket / t), thread: inSocket % t };
    }
    first += n;
  }
  return null;
}

/** The Linux CPU number of a physical thread on `host`, or null if the host has no such thread. */
export function cpuOf(host: Host, r: ThreadRef): number | null {
  const s = host.sockets[r.socket];
  if (!s || r.core >= s.cores || r.thread >= host.threadsPerCore) return null;
  let first = 0;
  for (let i = 0; i < r.socket; i++) first += host.sockets[i].cores * host.threadsPerCore;
  return first + r.core * host.threadsPerCore + r.thread;
}

/**
 * CPUs as the drawing names them — socket, `Core L#` (hwloc's logical index, counted across
 * sockets) and thread: `CPU 67 (socket 1, Core L#16, thread 3)`; a whole core is the core, `CPUs
 * 120-123 (socket 1, Core L#30)`; part of one lists its threads, `CPUs 124-126 (socket 1, Core
 * L#31, threads 0-2)`; whole cores of a socket read `Cores L#16-17`; several sockets in turn.
 */
export function describeCpus(host: Host, cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const refs = sorted.map((c) => threadOf(host, c)).filter((r): r is ThreadRef => r !== null);
  const head = sorted.length === 1 ? `CPU ${sorted[0]}` : `CPUs ${formatCpuset(sorted)}`;
  if (refs.length !== sorted.length) return head;
  const firstCore = (socket: number) => host.sockets.slice(0, socket).reduce((n, s) => n + s.cores, 0);
  const sockets = [...new Set(refs.map((r) => r.socket))];
  const parts = sockets.map((s) => {
    const inSocket = refs.filter((r) => r.socket === s);
    const cores = [...new Set(inSocket.map((r) => r.core))];
    const threadsOf = (c: number) => inSocket.filter((r) => r.core === c).map((r) => r.thread);
    const logical = (c: number) => firstCore(s) + c;
    if (cores.every((c) => threadsOf(c).length === host.threadsPerCore))
      return `socket ${s}, ${cores.length === 1 ? 'Core' : 'Cores'} L#${formatCpuset(cores.map(logical))}`;
    const named = cores.map((c) => {
      const t = threadsOf(c);
      if (t.length === host.threadsPerCore) return `Core L#${logical(c)}`;
      return `Core L#${logical(c)}${cores.length === 1 ? ',' : ''} ${t.length === 1 ? 'thread' : 'threads'} ${formatCpuset(t)}`;
    });
    return `socket ${s}, ${named.join(', ')}`;
  });
  return `${head} (${parts.join('; ')})`;
}

/**
 * How a host edit moves physical threads: where a thread of the old host is on the new one,
 * or null when the edit removes it. The default keeps socket, core and thread indices (an edit
 * that adds or removes the last core of a socket, or changes the SMT mode).
 */
export type ThreadMap = (old: ThreadRef) => ThreadRef | null;
export const SAME_THREADS: ThreadMap = (r) => r;

/** Socket `removed` goes; later sockets move down one. */
export const withoutSocket =
  (removed: number): ThreadMap =>
  (r) =>
    r.socket === removed ? null : r.socket > removed ? { ...r, socket: r.socket - 1 } : r;

/** The given cores (indices within `socket`) go; later cores of that socket move down. */
export const withoutCores =
  (socket: number, cores: readonly number[]): ThreadMap =>
  (r) => {
    if (r.socket !== socket) return r;
    if (cores.includes(r.core)) return null;
    return { ...r, core: r.core - cores.filter((c) => c < r.core).length };
  };

/**
 * Returns `next` (a draft whose host was edited from `before.host`) with every guest's pins
 * (vCPUs, emulator, IOThreads), memory bindings (NUMA nodes are sockets), every host bridge's and
 * MHI controller's socket carried to the new numbering. Throws a FieldError naming the
 * guest and vCPU (as the user sees them, then the document path) when a pinned CPU would go.
 */
export function carryCpuIdentity(before: Workspace, next: Workspace, threads: ThreadMap = SAME_THREADS): Workspace {
  const oldHost = before.host;
  const newHost = next.host;
  const map = (cpu: number): number | null => {
    const r = threadOf(oldHost, cpu);
    if (!r) return null;
    const moved = threads(r);
    return moved === null ? null : cpuOf(newHost, moved);
  };
  /** A cpuset carried to the new numbering; a FieldError at `field` when one of its CPUs goes (`who` says what is pinned). */
  const carry = (cpuset: string, field: string, who: string): string => {
    let cpus: number[];
    try {
      cpus = parseCpuset(cpuset);
    } catch {
      return cpuset; // the schema reports a malformed cpuset with its own words
    }
    const lost = cpus.filter((c) => map(c) === null);
    if (lost.length) throw new FieldError(field, `pinned to ${describeCpus(oldHost, lost)}, which this edit removes; re-pin or unpin ${who} first`);
    const moved = formatCpuset(cpus.map((c) => map(c)!).sort((a, b) => a - b));
    return moved === cpuset ? cpuset : moved;
  };
  // A socket (NUMA node) goes where its surviving cores go; null when the edit removes it.
  const socketMap = (s: number): number | null => {
    for (let core = 0; core < (oldHost.sockets[s]?.cores ?? 0); core++) {
      const moved = threads({ socket: s, core, thread: 0 });
      if (moved) return moved.socket;
    }
    return null;
  };
  const carryNodes = (nodeset: string, field: string, who: string): string => {
    let nodes: number[];
    try {
      nodes = parseCpuset(nodeset);
    } catch {
      return nodeset;
    }
    const lost = nodes.filter((n) => socketMap(n) === null);
    if (lost.length) throw new FieldError(field, `binds ${who} to NUMA node ${formatCpuset(lost)}, whose socket this edit removes; change the binding first`);
    const moved = formatCpuset(nodes.map((n) => socketMap(n)!).sort((a, b) => a - b));
    return moved === nodeset ? nodeset : moved;
  };
  next.guests.forEach((g, gi) => {
    g.vcpupin = g.vcpupin.map((p, pi) => {
      const cpuset = carry(p.cpuset, `guests[${gi}].vcpupin[${pi}].cpuset`, `vCPU ${p.vcpu} of guest ${g.name}`);
      return cpuset === p.cpuset ? p : { ...p, cpuset };
    });
    if (g.emulatorpin !== undefined) g.emulatorpin = carry(g.emulatorpin, `guests[${gi}].emulatorpin`, `the emulator threads of guest ${g.name}`);
    if (g.iothreadpin) g.iothreadpin = g.iothreadpin.map((p, pi) => {
      const cpuset = carry(p.cpuset, `guests[${gi}].iothreadpin[${pi}].cpuset`, `IOThread ${p.iothread} of guest ${g.name}`);
      return cpuset === p.cpuset ? p : { ...p, cpuset };
    });
    const nt = g.numatune;
    if (nt) {
      const who = `the memory of guest ${g.name}`;
      if (nt.memory) nt.memory = { ...nt.memory, nodeset: carryNodes(nt.memory.nodeset, `guests[${gi}].numatune.memory.nodeset`, who) };
      if (nt.memnode) nt.memnode = nt.memnode.map((m, mi) => ({ ...m, nodeset: carryNodes(m.nodeset, `guests[${gi}].numatune.memnode[${mi}].nodeset`, `cell ${m.cellid} of guest ${g.name}`) }));
    }
  });
  // Host bridges of an imported machine sit on a socket (its PHBs): they go with it.
  if (next.host.io) next.host.io = next.host.io.map((b, bi) => {
    if (b.socket === undefined) return b;
    const s = socketMap(b.socket);
    if (s === null) throw new FieldError(`host.io[${bi}].socket`, `socket ${b.socket} holds a host bridge (PCI domain ${b.buses.domain}) of the imported machine; this edit would remove it`);
    return s === b.socket ? b : { ...b, socket: s };
  });
  next.devices.mhi.forEach((m, mi) => {
    // A controller sits on a socket: it goes where that socket's surviving cores go.
    const s = socketMap(m.socket);
    if (s === null)
      throw new FieldError(`devices.mhi[${mi}].socket`, `MHI controller ${m.name} sits on socket ${m.socket}, which this edit removes; move or remove it first`);
    m.socket = s;
  });
  return next;
}
