import type { Workspace } from './schema';

/**
 * Names a document path the way the user sees the thing it points at: `guests[0].vcpupin[16].cpuset`
 * → `guest A, vCPU 32`; `host.sockets[1].cores` → `socket 1`; `devices.mhi[0].socket` → `MHI
 * controller mhi0`. Null when the path names nothing the user would recognise better.
 */
export function fieldLabel(ws: Workspace, field: string): string | null {
  let m = /^guests\[(\d+)\](?:\.vcpupin\[(\d+)\])?/.exec(field);
  if (m) {
    const g = ws.guests[Number(m[1])];
    if (!g) return null;
    const pin = m[2] === undefined ? undefined : g.vcpupin[Number(m[2])];
    if (pin) return `guest ${g.name}, vCPU ${pin.vcpu}`;
    // The libvirt elements beside the vCPU pins: emulator and IOThread pins, NUMA cells, memory binding, hugepages.
    const rest = field.slice(m[0].length);
    const io = /^\.iothreadpin\[(\d+)\]/.exec(rest);
    const cell = /^\.numaCells\[(\d+)\]/.exec(rest);
    const memnode = /^\.numatune\.memnode\[(\d+)\]/.exec(rest);
    const what = rest.startsWith('.emulatorpin')
      ? 'emulator threads'
      : io && g.iothreadpin?.[Number(io[1])]
        ? `IOThread ${g.iothreadpin[Number(io[1])].iothread}`
        : cell && g.numaCells?.[Number(cell[1])]
          ? `NUMA cell ${g.numaCells[Number(cell[1])].id}`
          : memnode && g.numatune?.memnode?.[Number(memnode[1])]
            ? `memory of cell ${g.numatune.memnode[Number(memnode[1])].cellid}`
            : rest.startsWith('.numatune')
              ? 'memory binding'
              : rest.startsWith('.hugepages')
                ? 'hugepages'
                : null;
    return what ? `guest ${g.name}, ${what}` : `guest ${g.name}`;
  }
  m = /^host\.sockets\[(\d+)\]/.exec(field);
  if (m) return `socket ${m[1]}`;
  m = /^devices\.mhi\[(\d+)\]/.exec(field);
  if (m) return ws.devices.mhi[Number(m[1])] ? `MHI controller ${ws.devices.mhi[Number(m[1])].name}` : null;
  m = /^devices\.aie\.partitions\[(\d+)\]/.exec(field);
  if (m) return ws.devices.aie?.partitions[Number(m[1])] ? `AIE partition ${ws.devices.aie.partitions[Number(m[1])].name}` : null;
  m = /^devices\.dmabuf\.(exporters|importers)\[(\d+)\]/.exec(field);
  if (m) {
    const d = ws.devices.dmabuf[m[1] as 'exporters' | 'importers'][Number(m[2])];
    return d ? `dma-buf ${m[1] === 'exporters' ? 'exporter' : 'importer'} ${d.name}` : null;
  }
  m = /^workloads\[(\d+)\]/.exec(field);
  if (m) return ws.workloads[Number(m[1])] ? `workload on ${ws.workloads[Number(m[1])].target}` : null;
  return null;
}

/** A refusal as the user reads it: what it is about in their words, why, then the document path for the record. */
export function describeRefusal(ws: Workspace, field: string, detail: string): string {
  const label = field ? fieldLabel(ws, field) : null;
  if (!field) return detail;
  if (!label) return `${field}: ${detail}`;
  return detail.includes(label) ? `${detail} (${field})` : `${label}: ${detail} (${field})`;
}
