import type { Workspace } from '../../src-common/workspace';
import { aiePartitionId, puId, vcpuId } from './ids';

/**
 * The drawing's find box: what the user types → the element to select and centre.
 *   `122`, `cpu 122`, `CPU#122`  host CPU 122 (its thread node)
 *   `A:40`, `A 40`, `vcpu A:40`  guest A's vCPU 40
 *   `tile 3,2`, `(3,2)`, `3,2`   AI Engine tile (col 3, row 2): the partition holding its column
 *   `ksmd`, `worker:19560`, `CPU 52/KVM`  a task of the shown run (`task`): the CPU it is on then
 * Returns the element id, or why nothing matches (in the user's words).
 */
export function findTarget(ws: Workspace, query: string, task?: (name: string) => { cpu: number; task: string } | null): { id: string; what: string } | { error: string } {
  const q = query.trim();
  if (!q) return { error: 'Type a CPU (122), a vCPU (A:40) or a tile (3,2).' };
  const cpus = ws.host.sockets.reduce((n, s) => n + s.cores, 0) * ws.host.threadsPerCore;
  let m = /^(?:cpu\s*#?\s*)?(\d+)$/i.exec(q);
  if (m) {
    const cpu = Number(m[1]);
    return cpu < cpus ? { id: puId(cpu), what: `CPU ${cpu}` } : { error: `No CPU ${cpu}: this host has CPUs 0-${cpus - 1}.` };
  }
  m = /^(?:tile\s*)?\(?\s*(\d+)\s*,\s*(\d+)\s*\)?$/i.exec(q);
  if (m) {
    const [col, row] = [Number(m[1]), Number(m[2])];
    const aie = ws.devices.aie;
    if (!aie) return { error: 'This workspace has no AI Engine array.' };
    if (col >= aie.columns || row >= aie.rows) return { error: `No tile (${col},${row}): the array is ${aie.columns} × ${aie.rows}.` };
    const part = aie.partitions.find((p) => col >= p.startCol && col < p.startCol + p.numCols);
    return part ? { id: aiePartitionId(part.name), what: `tile (${col},${row}) in partition ${part.name}` } : { error: `Tile (${col},${row}) is in no partition.` };
  }
  // A task name of the shown run wins over the guest:vCPU reading (`worker:19560` is a task).
  const t = task?.(q);
  if (t) return { id: puId(t.cpu), what: `${t.task} on CPU ${t.cpu}` };
  m = /^(?:vcpu\s*)?([A-Za-z0-9_][A-Za-z0-9_.+-]*?)\s*[:\s]\s*(\d+)$/i.exec(q);
  if (m) {
    const g = ws.guests.find((x) => x.name === m![1]) ?? ws.guests.find((x) => x.name.toLowerCase() === m![1].toLowerCase());
    if (!g) return { error: `No guest ${m[1]} (guests: ${ws.guests.map((x) => x.name).join(', ') || 'none'}).` };
    const n = g.smp.sockets * g.smp.cores * g.smp.threads;
    const v = Number(m[2]);
    return v < n ? { id: vcpuId(g.name, v), what: `guest ${g.name}, vCPU ${v}` } : { error: `Guest ${g.name} has vCPUs 0-${n - 1}.` };
  }
  return { error: `“${q}” is not a CPU (122), a vCPU (A:40)${task ? ', a tile (3,2) or a task of the shown run (ksmd)' : ' or a tile (3,2)'}.` };
}
