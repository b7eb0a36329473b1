import { parseCpuset } from '../../../src-common/parse/cpuset';
import { cellMemoryByNode, cpuNodes, type Guest, type Host } from '../../../src-common/workspace';

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
 * Per vCPU, the share of its host faults that touch memory on another NUMA node than `cpu`, the
 * CPU it runs on: its cell's memory by node (numatune, memnode, first touch). The copy-on-write
 * copy of such a fault crosses the X-bus.
 */
export function remoteFaultShare(g: Guest, host: Host, vcpu: number, cpu: number): number {
  const cell = cellMemoryByNode(g, host).find((c) => c.vcpus.includes(vcpu));
  const node = cpuNodes(host)[cpu];
  const total = cell ? cell.byNode.reduce((a, b) => a + b, 0) : 0;
  return !cell || total <= 0 || node === undefined ? 0 : 1 - cell.byNode[node] / total;
}
