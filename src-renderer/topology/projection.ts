import type { ElementDefinition } from 'cytoscape';
import { formatSize } from '../../src-common/parse/size';
import { AIE_DATA_MEM_SIZE, AIE_PROGRAM_MEM_SIZE, vcpuCount, type DmabufExporter, type Guest, type Workspace } from '../../src-common/workspace';
import { PARTITION_COLOURS } from '../aie/grid-model';
import { hostTree, type SocketInfo } from './numbering';
import { DEFAULT_VIEW, layoutWorkspace, partitionLabel, type LayoutView } from './layout';
import { cacheBarLabels } from './layout-caches';
import {
  AIE_ID,
  DMABUF_ID,
  MACHINE_ID,
  aieColumnId,
  aiePartitionId,
  coreId,
  dmaBufferId,
  dmaExportEdgeId,
  dmaExporterId,
  dmaImportEdgeId,
  dmaImporterId,
  guestId,
  numaId,
  packageId,
  pinEdgeId,
  puId,
  vcpuId,
} from './ids';
import { pinnedCpus, topologyWarnings, type TopologyWarning } from './warnings';

/**
 * The document → Cytoscape projection (docs/architecture.md §5): pure, so it is unit-tested without a
 * browser. The canvas diffs successive projections by element id and applies the changes in
 * one `cy.batch()`.
 *
 * The nesting machine > package > NUMA node > core > PU (and guest > vCPU) is drawn as
 * stacked rectangles, each a plain node with the exact size and position the layout gave it
 * and a z-index by depth; `data.container` names the enclosing box. Cytoscape compound
 * nodes would draw the same picture, but they restyle every ancestor and descendant on each
 * style change, which made a 384-thread host take seconds to draw instead of milliseconds.
 */
export interface Projection {
  elements: ElementDefinition[];
  warnings: TopologyWarning[];
}

/** A colour per guest, by index: distinct on light and dark backgrounds. */
export const GUEST_COLOURS = ['#2f7ed8', '#c2410c', '#15803d', '#9333ea', '#b45309', '#0e7490', '#be123c', '#4d7c0f'];
export const guestColour = (index: number) => GUEST_COLOURS[index % GUEST_COLOURS.length];

export const guestLabel = (g: Guest) => `Guest ${g.name} · ${vcpuCount(g)} vCPUs (${g.smp.sockets}×${g.smp.cores}×${g.smp.threads}) · ${size(g.memoryBytes)}`;

/** 512 GiB as such; an odd size (an imported VM's 6383828 KiB) rounded to a tenth of a GiB. */
const size = (bytes: number) => (bytes >= 2 ** 30 && bytes % 2 ** 30 !== 0 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : formatSize(bytes).replace(/([KMGT])$/, ' $1iB'));

export function projectWorkspace(ws: Workspace, view: LayoutView = DEFAULT_VIEW): Projection {
  const layout = layoutWorkspace(ws, view);
  const warnings = topologyWarnings(ws);
  const warned = new Map<string, string[]>();
  for (const w of warnings) for (const n of w.nodes) warned.set(n, [...(warned.get(n) ?? []), w.message]);

  const elements: ElementDefinition[] = [];
  // `kinds` is the element kind first, then extra classes ('pu pinned g0').
  const node = (id: string, parent: string | null, kinds: string, labelL: string, labelP: string, extra: Record<string, unknown> = {}) => {
    const r = layout.rects.get(id)!;
    const kind = kinds.split(' ')[0];
    const data: Record<string, unknown> = { id, kind, labelL, labelP, w: r.w, h: r.h, ...extra };
    if (parent) data.container = parent;
    const warn = warned.get(id);
    if (warn) data.warning = warn.join('\n');
    const box = layout.leaves.has(id) ? '' : 'box';
    const classes = [kinds, box, warn ? 'warn' : ''].filter(Boolean).join(' ');
    elements.push({ group: 'nodes', data, position: { x: r.x + r.w / 2, y: r.y + r.h / 2 }, classes });
  };

  // Host: machine > package > NUMA node > core > PU.
  const totalMem = ws.host.sockets.reduce((n, s) => n + s.memoryBytes, 0);
  const machineLabel = `Machine ${ws.host.name} (${size(totalMem)} total)`;
  node(MACHINE_ID, null, 'machine', machineLabel, machineLabel);
  const pinnedBy = pinOwners(ws);
  const tree = hostTree(ws.host);
  for (const s of tree) {
    const mem = size(ws.host.sockets[s.logical].memoryBytes);
    node(packageId(s.logical), MACHINE_ID, 'package', `Package L#${s.logical}`, `Package P#${s.chipId}`);
    node(numaId(s.logical), packageId(s.logical), 'numa', `NUMANode L#${s.logical} (${mem})`, `NUMANode P#${s.chipId} (${mem})`);
    for (const c of s.cores) {
      node(coreId(c.logical), numaId(s.logical), 'core', `Core L#${c.logical}`, `Core P#${c.physical}`);
      for (const cpu of c.pus) {
        const owners = pinnedBy.get(cpu);
        node(puId(cpu), coreId(c.logical), owners ? `pu pinned g${owners[0] % GUEST_COLOURS.length}` : 'pu', `PU L#${cpu}`, `PU P#${cpu}`, owners ? { colour: guestColour(owners[0]) } : {});
      }
    }
  }
  // Cache bars (shared levels, as lstopo draws them across the cores they serve) and I/O: host
  // bridges, PCI functions, OS devices, MHI modems in their PCI slot — each inside what the layout put it in.
  const parentOf = new Map<string, string>();
  for (const [parent, kids] of layout.children) for (const k of kids) parentOf.set(k, parent);
  for (const [id, c] of layout.caches) {
    const { labelL, labelP } = cacheBarLabels(c.level, c.index);
    node(id, parentOf.get(id)!, 'cache', labelL, labelP);
  }
  for (const [id, box] of layout.io) node(id, parentOf.get(id)!, box.kind, box.label, box.label);

  // Guests: a box of vCPUs each, and an edge from each pinned vCPU to what it is pinned to.
  const targetsOf = new Map<string, string[]>();
  ws.guests.forEach((g, gi) => {
    const colour = guestColour(gi);
    const label = guestLabel(g);
    node(guestId(g.name), null, 'guest', label, label, { colour });
    const pins = pinnedCpus(ws, gi);
    for (let v = 0; v < vcpuCount(g); v++) {
      const cpus = pins.get(v);
      node(vcpuId(g.name, v), guestId(g.name), cpus ? 'vcpu pinned' : 'vcpu', `vCPU ${v}`, `vCPU ${v}`, { colour });
      if (!cpus) continue;
      // vCPUs share cpusets (a core's threads, a socket): each distinct one is covered once.
      const key = cpus.join(',');
      let targets = targetsOf.get(key);
      if (!targets) targetsOf.set(key, (targets = pinTargets(ws, cpus, tree)));
      for (const target of targets) {
        elements.push({ group: 'edges', data: { id: pinEdgeId(g.name, v, target), source: vcpuId(g.name, v), target, colour }, classes: 'pin' });
      }
    }
  });

  // Devices beside them: the AI Engine array with its partitions, the dma-buf graph.
  const aie = ws.devices.aie;
  if (aie) {
    const n = aie.partitions.length;
    const label = `AI Engine ${aie.columns} × ${aie.rows} · ${n} partition${n === 1 ? '' : 's'}`;
    node(AIE_ID, null, 'aie', label, label, { columns: aie.columns, rows: aie.rows });
    // Ruler ticks every 1, 2, 5, 10 or 20 columns: at least 30 px apart at zoom 1.
    const colW = layout.rects.get(aieColumnId(0))!.w;
    const step = [1, 2, 5, 10, 20, 50].find((k) => k * colW >= 30) ?? 50;
    for (let c = 0; c < aie.columns; c++) {
      const tick = c % step === 0 ? String(c) : '';
      node(aieColumnId(c), AIE_ID, 'aie-col', tick, tick);
      elements[elements.length - 1].selectable = false;
    }
    aie.partitions.forEach((p, i) => {
      const id = aiePartitionId(p.name);
      const text = partitionLabel(p);
      const side = layout.labelSides.get(id);
      node(id, AIE_ID, side === 'left' || side === 'right' ? `aie-part label-${side}` : 'aie-part', text, text, { colour: partitionColour(i) });
    });
  }
  const { exporters, importers } = ws.devices.dmabuf;
  if (exporters.length || importers.length) {
    const label = `dma-buf · ${exporters.length} exporter${exporters.length === 1 ? '' : 's'}, ${importers.length} importer${importers.length === 1 ? '' : 's'}`;
    node(DMABUF_ID, null, 'dmabuf', label, label);
    for (const e of exporters) {
      const exp = `${e.name} · ${e.kind === 'aie' ? `aie ${e.partition}` : e.kind}`;
      node(dmaExporterId(e.name), DMABUF_ID, 'dma-exporter', exp, exp);
      const bytes = bufferBytes(ws, e);
      const buf = `buffer · ${bytes === null ? '?' : size(bytes)}${e.kind === 'aie' ? ` ${e.memory}` : ''}`;
      node(dmaBufferId(e.name), DMABUF_ID, 'dma-buffer', buf, buf);
      elements.push({ group: 'edges', data: { id: dmaExportEdgeId(e.name), source: dmaExporterId(e.name), target: dmaBufferId(e.name), colour: DMA_EDGE_COLOUR }, classes: 'dma' });
    }
    for (const m of importers) {
      const imp = `${m.name} · ${m.kind}`;
      node(dmaImporterId(m.name), DMABUF_ID, 'dma-importer', imp, imp);
      if (m.source === undefined || !exporters.some((e) => e.name === m.source)) continue;
      const id = dmaImportEdgeId(m.name);
      const warn = warned.get(id);
      const data: Record<string, unknown> = { id, source: dmaBufferId(m.source), target: dmaImporterId(m.name), colour: DMA_EDGE_COLOUR };
      if (warn) data.warning = warn.join('\n');
      elements.push({ group: 'edges', data, classes: warn ? 'dma warn' : 'dma' });
    }
  }
  return { elements, warnings };
}

/** A vCPU's pin edge (to the package, core or thread it is pinned to). */
export const isPinEdge = (e: ElementDefinition) => e.group === 'edges' && typeof e.classes === 'string' && e.classes.split(' ').includes('pin');

/** Edges of the dma-buf graph: a grey readable on both the light and the dark canvas. */
export const DMA_EDGE_COLOUR = '#7a8290';
/** A partition's colour, by index: the AI Engine view's outline colours. */
export const partitionColour = (index: number) => PARTITION_COLOURS[index % PARTITION_COLOURS.length];

/** The bytes of the buffer an exporter exports: its size, or an AIE partition's memory (size × columns × core rows). */
export function bufferBytes(ws: Workspace, e: DmabufExporter): number | null {
  if (e.kind !== 'aie') return e.sizeBytes ?? null;
  const a = ws.devices.aie;
  const p = a?.partitions.find((q) => q.name === e.partition);
  if (!a || !p) return null;
  return (e.memory === 'program' ? AIE_PROGRAM_MEM_SIZE : AIE_DATA_MEM_SIZE) * p.numCols * (a.rows - 1);
}

/**
 * The fewest host objects that cover exactly `cpus`: whole packages, then whole cores, then
 * single PUs — so `0-3` on SMT4 is one edge to Core L#0, not four. `tree` is the host's
 * (hostTree): the projection builds it once for all its vCPUs.
 */
export function pinTargets(ws: Workspace, cpus: readonly number[], tree: readonly SocketInfo[] = hostTree(ws.host)): string[] {
  const set = new Set(cpus);
  const out: string[] = [];
  for (const s of tree) {
    if (s.cores.every((c) => c.pus.every((p) => set.has(p)))) {
      out.push(packageId(s.logical));
      continue;
    }
    for (const c of s.cores) {
      if (c.pus.every((p) => set.has(p))) out.push(coreId(c.logical));
      else for (const p of c.pus) if (set.has(p)) out.push(puId(p));
    }
  }
  return out;
}

/** For each host CPU pinned by some vCPU: the indexes of the guests pinning it. */
function pinOwners(ws: Workspace): Map<number, number[]> {
  const out = new Map<number, number[]>();
  ws.guests.forEach((_, gi) => {
    for (const cpus of pinnedCpus(ws, gi).values())
      for (const c of cpus) {
        const list = out.get(c) ?? [];
        if (!list.includes(gi)) list.push(gi);
        out.set(c, list);
      }
  });
  return out;
}
