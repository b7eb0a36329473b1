import { NODES, parseCpuset } from '../../../src-common/parse/cpuset';
import { cellBinding, guestCells, type Guest, type Host } from '../../../src-common/workspace';

/**
 * QEMU's non-vCPU threads of one guest and where libvirt lets them run (qemuProcessSetupPid:
 * an emulator thread gets `<emulatorpin>`, IOThread N its `<iothreadpin>`; without a pin, the
 * `<vcpu cpuset>` default, which imports make explicit, else every CPU):
 *  - the emulator's main loop (`qemu-system-ppc`): it owns the guest's block I/O unless the
 *    guest has IOThreads;
 *  - the IOThreads (`IO iothreadN`), which own it when there are any (virtio-blk dataplane);
 *  - the thread-pool workers (`worker`) doing the blocking syscalls. A worker is spawned by the
 *    thread of the AioContext it serves (thread_pool's do_spawn_thread runs there), so it
 *    inherits that thread's affinity and cgroup: the main loop's, or its IOThread's.
 * Each completed request wakes the worker (block completion), and the worker wakes its owner
 * (event_notifier_set on the AioContext → the owner's ppoll returns).
 */
export type QemuThreadKind = 'qemu-emulator' | 'qemu-iothread' | 'qemu-worker';

export interface QemuThreadPlan {
  kind: QemuThreadKind;
  comm: string;
  /** Host CPUs it may run on, or null for every CPU. */
  allowed: number[] | null;
  /** Index (in the returned list) of the main loop or IOThread whose AioContext it serves; its own index for those. */
  owner: number;
}

function pinned(cpuset: string | undefined, cpuCount: number): number[] | null {
  if (cpuset === undefined) return null;
  try {
    return parseCpuset(cpuset, cpuCount);
  } catch {
    return null; // the schema reports a bad cpuset with its field; a run never gets one
  }
}

/** The emulator main loop first, then IOThreads 1..N, then `workers` workers spread over the AioContexts' owners. */
export function qemuThreadPlans(g: Guest, cpuCount: number, workers: number): QemuThreadPlan[] {
  const out: QemuThreadPlan[] = [{ kind: 'qemu-emulator', comm: 'qemu-system-ppc', allowed: pinned(g.emulatorpin, cpuCount), owner: 0 }];
  for (let id = 1; id <= (g.iothreads ?? 0); id++)
    out.push({ kind: 'qemu-iothread', comm: `IO iothread${id}`, allowed: pinned(g.iothreadpin?.find((p) => p.iothread === id)?.cpuset, cpuCount), owner: out.length });
  const owners = out.length > 1 ? out.slice(1).map((_, i) => i + 1) : [0];
  for (let w = 0; w < workers; w++) {
    const owner = owners[w % owners.length];
    out.push({ kind: 'qemu-worker', comm: 'worker', allowed: out[owner].allowed, owner });
  }
  return out;
}

/**
 * Per vCPU, the share of its host faults whose new page the kernel allocates on another NUMA
 * node than the one of the CPU it faults on (alloc_pages_vma under the cell's memory policy,
 * Linux 5.3): no binding allocates locally (first touch); strict (MPOL_BIND) and restrictive
 * (cpuset.mems) locally when the nodeset holds the local node, else on a node of the set;
 * preferred on its node; interleave round-robin over the set. Clearing or copying a remote page
 * crosses the X-bus (host.numa.remote_fault_factor). Returns `(vcpu, node) => share`.
 */
export function remoteFaultShares(g: Guest, host: Host): (vcpu: number, node: number) => number {
  const nodeCount = host.sockets.length;
  const cellOf = new Map<number, number>();
  for (const c of guestCells(g)) for (const v of c.vcpus) cellOf.set(v, c.id);
  const sets = new Map<number, { mode: string; nodes: number[] } | null>();
  const policy = (cell: number) => {
    if (!sets.has(cell)) {
      const b = cellBinding(g, cell);
      let nodes: number[] = [];
      try {
        nodes = b ? parseCpuset(b.nodeset, nodeCount, NODES) : [];
      } catch {
        // the schema reports a bad nodeset with its field; a run never gets one
      }
      sets.set(cell, b && nodes.length ? { mode: b.mode, nodes } : null);
    }
    return sets.get(cell)!;
  };
  return (vcpu, node) => {
    const p = policy(cellOf.get(vcpu) ?? 0);
    if (!p) return 0;
    const local = p.nodes.includes(node);
    if (p.mode === 'interleave') return 1 - (local ? 1 / p.nodes.length : 0);
    if (p.mode === 'preferred') return p.nodes[0] === node ? 0 : 1;
    return local ? 0 : 1;
  };
}
