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
 * Returns `next` (a draft whose host was edited from `before.host`) with every guest's pins and
 * every MHI controller's socket carried to the new numbering. Throws a FieldError naming the
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
  next.guests.forEach((g, gi) => {
    g.vcpupin = g.vcpupin.map((p, pi) => {
      let cpus: number[];
      try {
        cpus = parseCpuset(p.cpuset);
      } catch {
        return p; // the schema reports a malformed cpuset with its own words
      }
      const lost = cpus.filter((c) => map(c) === null);
      if (lost.length) {
        const r = threadOf(oldHost, lost[0])!;
        throw new FieldError(
          `guests[${gi}].vcpupin[${pi}].cpuset`,
          `pinned to CPU ${formatCpuset(lost)} (socket ${r.socket}, core ${r.core}, thread ${r.thread}), which this edit removes; re-pin or unpin vCPU ${p.vcpu} of guest ${g.name} first`,
        );
      }
      const moved = formatCpuset(cpus.map((c) => map(c)!).sort((a, b) => a - b));
      return moved === p.cpuset ? p : { ...p, cpuset: moved };
    });
  });
  next.devices.mhi.forEach((m, mi) => {
    // A controller sits on a socket: it goes where that socket's surviving cores go.
    let s: number | null = null;
    for (let core = 0; s === null && core < (oldHost.sockets[m.socket]?.cores ?? 0); core++) s = threads({ socket: m.socket, core, thread: 0 })?.socket ?? null;
    if (s === null)
      throw new FieldError(`devices.mhi[${mi}].socket`, `MHI controller ${m.name} sits on socket ${m.socket}, which this edit removes; move or remove it first`);
    m.socket = s;
  });
  return next;
}
