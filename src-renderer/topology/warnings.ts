import { formatCpuset, parseCpuset } from '../../src-common/parse/cpuset';
import { guestNumaWarnings, hostCpuCount, vcpuCount, type Workspace } from '../../src-common/workspace';
import { puTable } from './numbering';
import { dmaImportEdgeId, dmaImporterId, puId, vcpuId } from './ids';
import { overcommittedSets, type PinnedVcpu } from './overcommit';

/**
 * Pinning that is valid but likely a mistake. Shown as badges on the drawing and listed in
 * the Problems tab; never refused.
 */
export interface TopologyWarning {
  code: 'vcore-split' | 'overcommit' | 'dmabuf-unsourced' | 'dmabuf-aie-map' | 'numa-remote' | 'emulator-on-vcpu-cores' | 'hugepages-over-node';
  /** The document field to look at, e.g. `guests[0].vcpupin`. */
  field: string;
  message: string;
  /** Cytoscape ids of the nodes that carry the badge. */
  nodes: string[];
}

/** Pinned CPUs of every vCPU of a guest (unpinned vCPUs are absent: they float). */
export function pinnedCpus(ws: Workspace, guestIndex: number): Map<number, number[]> {
  const max = hostCpuCount(ws.host);
  const out = new Map<number, number[]>();
  for (const p of ws.guests[guestIndex].vcpupin) {
    try {
      out.set(p.vcpu, parseCpuset(p.cpuset, max));
    } catch {
      // An invalid cpuset is a schema error reported elsewhere; it pins nothing here.
    }
  }
  return out;
}

export function topologyWarnings(ws: Workspace): TopologyWarning[] {
  const pus = puTable(ws.host);
  const out: TopologyWarning[] = [];
  const pinned: PinnedVcpu[] = [];
  ws.guests.forEach((g, gi) => {
    const pins = pinnedCpus(ws, gi);
    const t = g.smp.threads;
    if (t > 1) {
      for (let first = 0; first < vcpuCount(g); first += t) {
        const cores = new Set<number>();
        const members: number[] = [];
        for (let v = first; v < first + t; v++) {
          const cpus = pins.get(v);
          if (!cpus) continue;
          members.push(v);
          cpus.forEach((c) => cores.add(pus[c].core));
        }
        if (cores.size > 1)
          out.push({
            code: 'vcore-split',
            field: `guests[${gi}].vcpupin`,
            message: `guest ${g.name}: virtual core ${first / t} (vCPUs ${first}-${first + t - 1}) is split across physical cores ${[...cores].sort((a, b) => a - b).join(', ')}`,
            nodes: members.map((v) => vcpuId(g.name, v)),
          });
      }
    }
    for (const [vcpu, cpus] of pins) pinned.push({ guest: gi, vcpu, cpus });
  });

  // One warning per set of threads that its pinned vCPUs cannot share out (unpinned vCPUs float over every thread).
  for (const set of overcommittedSets(pinned)) {
    const one = set.cpus.length === 1;
    const first = set.vcpus[0];
    out.push({
      code: 'overcommit',
      field: `guests[${first.guest}].vcpupin`,
      message: `${one ? `CPU ${set.cpus[0]} is` : `CPUs ${formatCpuset(set.cpus)} are`} overcommitted: ${set.vcpus.length} vCPUs (${vcpuList(ws, set.vcpus)}) are pinned to ${one ? 'this one thread' : `these ${set.cpus.length} threads`}`,
      nodes: [...set.cpus.map(puId), ...set.vcpus.map((p) => vcpuId(ws.guests[p.guest].name, p.vcpu))],
    });
  }
  // Memory binding, emulator/IOThread pinning and hugepages (src-common/workspace/guest-numa.ts).
  for (const w of guestNumaWarnings(ws)) {
    const g = ws.guests[w.guest].name;
    out.push({ code: w.code, field: w.field, message: w.message, nodes: [...w.vcpus.map((v) => vcpuId(g, v)), ...w.cpus.filter((c) => c < pus.length).map(puId)] });
  }
  return [...out, ...deviceWarnings(ws)];
}

/** `guest A vCPU 1, guest B vCPUs 0-3`: vCPUs by guest, in the document's guest order. */
function vcpuList(ws: Workspace, vcpus: readonly PinnedVcpu[]): string {
  return ws.guests
    .map((g, gi) => ({ name: g.name, list: vcpus.filter((p) => p.guest === gi).map((p) => p.vcpu) }))
    .filter((g) => g.list.length > 0)
    .map((g) => `guest ${g.name} ${g.list.length === 1 ? 'vCPU' : 'vCPUs'} ${formatCpuset(g.list)}`)
    .join(', ');
}

/** dma-buf importers that will import nothing, or whose import the seed's exporter refuses. */
export function deviceWarnings(ws: Workspace): TopologyWarning[] {
  const out: TopologyWarning[] = [];
  const { exporters, importers } = ws.devices.dmabuf;
  importers.forEach((m, i) => {
    const field = `devices.dmabuf.importers[${i}].source`;
    const src = exporters.find((e) => e.name === m.source);
    if (m.source === undefined)
      out.push({ code: 'dmabuf-unsourced', field, message: `dma-buf importer ${m.name} has no source: it imports nothing`, nodes: [dmaImporterId(m.name)] });
    else if (src?.kind === 'aie')
      out.push({
        code: 'dmabuf-aie-map',
        field,
        message: `dma-buf importer ${m.name} maps ${src.name} (AIE partition ${src.partition}, ${src.memory} memory): the AIE exporter does not implement map_dma_buf, so this import fails`,
        nodes: [dmaImporterId(m.name), dmaImportEdgeId(m.name)],
      });
  });
  return out;
}
