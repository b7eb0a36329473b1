import { formatCpuset, parseCpuset } from '../../src-common/parse/cpuset';
import { guestNumaWarnings, hostCpuCount, vcpuCount, type Workspace } from '../../src-common/workspace';
import { puTable } from './numbering';
import { dmaImportEdgeId, dmaImporterId, puId, vcpuId } from './ids';

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
  // load[cpu] = expected number of vCPUs on that thread if each spreads evenly over its cpuset.
  const load = new Array<number>(pus.length).fill(0);
  const users: string[][] = pus.map(() => []);

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
    for (const [v, cpus] of pins) {
      for (const c of cpus) {
        load[c] += 1 / cpus.length;
        users[c].push(`${g.name}:${v}`);
      }
    }
  });

  // One warning per group of CPUs shared by the same vCPUs.
  const groups = new Map<string, number[]>();
  load.forEach((l, cpu) => {
    if (l > 1 + 1e-9) {
      const key = users[cpu].join(' ');
      groups.set(key, [...(groups.get(key) ?? []), cpu]);
    }
  });
  for (const [key, cpus] of groups) {
    const vcpus = key.split(' ');
    const guestNames = [...new Set(vcpus.map((u) => u.split(':')[0]))];
    const gi = ws.guests.findIndex((g) => g.name === guestNames[0]);
    out.push({
      code: 'overcommit',
      field: `guests[${gi}].vcpupin`,
      message: `CPUs ${formatCpuset(cpus)} are overcommitted: ${vcpus.length} pinned vCPUs (${guestNames.join(', ')}) share ${cpus.length} thread${cpus.length > 1 ? 's' : ''}`,
      nodes: cpus.map(puId),
    });
  }
  // Memory binding, emulator/IOThread pinning and hugepages (src-common/workspace/guest-numa.ts).
  for (const w of guestNumaWarnings(ws)) {
    const g = ws.guests[w.guest].name;
    out.push({ code: w.code, field: w.field, message: w.message, nodes: [...w.vcpus.map((v) => vcpuId(g, v)), ...w.cpus.filter((c) => c < pus.length).map(puId)] });
  }
  return [...out, ...deviceWarnings(ws)];
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
