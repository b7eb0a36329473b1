/**
 * Pure logic of the Devices view: the dma-buf graph's layout (exporters → buffers → importers
 * in three columns), each buffer's fence state, and an MHI ring's occupancy. No DOM, no Svelte.
 */
import type { DevicesDmabufBuffer, DevicesDmabufImporter, DevicesMhiRing } from '../../src-common/bridge/areas/devices';

export type NodeKind = 'exporter' | 'buffer' | 'importer';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  x: number;
  y: number;
  /** First and second label line. */
  title: string;
  detail: string;
  /** The accessible description of the node. */
  label: string;
  /** Importers: false when the import failed or has no source. */
  ok: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** An importer's edge is broken when its import failed (dashed, in the danger colour). */
  broken: boolean;
}

export interface DmabufGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_W = 190;
export const NODE_H = 44;
const COL_GAP = 70;
const ROW_GAP = 14;
const PAD = 8;

export type ExclusiveState = 'none' | 'pending' | 'signalled';

export interface FenceState {
  exclusive: ExclusiveState;
  /** The exclusive fence's name, without the "(signalled)" suffix; null if none. */
  exclusiveName: string | null;
  shared: number;
}

const SIGNALLED = ' (signalled)';

/** The buffer's reservation: its exclusive fence (pending or signalled) and shared fence count. */
export function fenceState(b: Pick<DevicesDmabufBuffer, 'exclusiveFence' | 'sharedFences'>): FenceState {
  const f = b.exclusiveFence;
  if (f === null) return { exclusive: 'none', exclusiveName: null, shared: b.sharedFences };
  const signalled = f.endsWith(SIGNALLED);
  return { exclusive: signalled ? 'signalled' : 'pending', exclusiveName: signalled ? f.slice(0, -SIGNALLED.length) : f, shared: b.sharedFences };
}

export function fenceText(f: FenceState): string {
  const excl = f.exclusive === 'none' ? 'no exclusive fence' : `exclusive ${f.exclusiveName} ${f.exclusive}`;
  return `${excl}, ${f.shared} shared`;
}

/** The drawing's short form: "excl none · 0 shared", "excl pending · 2 shared". */
export function fenceShort(f: FenceState): string {
  return `excl ${f.exclusive} · ${f.shared} shared`;
}

/** 1048576 → "1 MiB"; exact units only, else bytes. */
export function sizeText(n: number): string {
  for (const [unit, v] of [
    ['GiB', 1 << 30],
    ['MiB', 1 << 20],
    ['KiB', 1 << 10],
  ] as const)
    if (n >= v && n % v === 0) return `${n / v} ${unit}`;
  return `${n} B`;
}

/** Lays out exporters, their buffers and importers in three columns, one row per exporter. */
export function dmabufGraph(buffers: readonly DevicesDmabufBuffer[], importers: readonly DevicesDmabufImporter[]): DmabufGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const colX = (c: number) => PAD + c * (NODE_W + COL_GAP);
  const rowY = (r: number) => PAD + r * (NODE_H + ROW_GAP);
  buffers.forEach((b, r) => {
    const f = fenceState(b);
    nodes.push({
      id: `exp:${b.name}`,
      kind: 'exporter',
      x: colX(0),
      y: rowY(r),
      title: b.name,
      detail: `${b.kind} (${b.exporter})`,
      label: `Exporter ${b.name}, ${b.kind}`,
      ok: true,
    });
    nodes.push({
      id: `buf:${b.name}`,
      kind: 'buffer',
      x: colX(1),
      y: rowY(r),
      title: `${b.buffer} · ${sizeText(b.size)}`,
      detail: fenceShort(f),
      label: `Buffer ${b.buffer}, ${sizeText(b.size)}, ${b.refcount} reference${b.refcount === 1 ? '' : 's'}, ${fenceText(f)}${b.frames ? `, ${b.frames} frames` : ''}`,
      ok: true,
    });
    edges.push({ from: `exp:${b.name}`, to: `buf:${b.name}`, broken: false });
  });
  importers.forEach((m, r) => {
    const ok = m.mapped;
    const status = m.error ? `import failed: ${m.error}` : m.mapped ? `mapped, ${m.segments} segment${m.segments === 1 ? '' : 's'}` : m.source ? 'not mapped' : 'no source';
    nodes.push({
      id: `imp:${m.name}`,
      kind: 'importer',
      x: colX(2),
      y: rowY(r),
      title: `${m.name} (${m.kind})`,
      detail: m.error ? 'import failed' : status,
      label: `Importer ${m.name}, ${m.kind}, ${m.source ? `from ${m.source}, ` : ''}${status}${m.framesConsumed ? `, ${m.framesConsumed} frames consumed` : ''}`,
      ok,
    });
    if (m.source !== null && buffers.some((b) => b.name === m.source)) edges.push({ from: `buf:${m.source}`, to: `imp:${m.name}`, broken: !ok });
  });
  const rows = Math.max(buffers.length, importers.length, 1);
  return { nodes, edges, width: colX(3) - COL_GAP + PAD, height: rowY(rows) - ROW_GAP + PAD };
}

export interface RingView {
  size: number;
  rp: number;
  wp: number;
  /** Outstanding descriptors: written at WP, not yet completed at RP. */
  used: number;
  /** Occupied slot ranges [start, end) as fractions 0..1 of the bar (two when it wraps). */
  spans: [number, number][];
  label: string;
}

/** An MHI transfer ring of `size` slots: occupancy from RP to WP, wrapping. */
export function ringView(ring: Pick<DevicesMhiRing, 'rp' | 'wp'>, size: number, name: string): RingView {
  const { rp, wp } = ring;
  const used = (wp - rp + size) % size;
  const spans: [number, number][] = used === 0 ? [] : rp < wp ? [[rp / size, wp / size]] : [[rp / size, 1], ...(wp > 0 ? [[0, wp / size] as [number, number]] : [])];
  return { size, rp, wp, used, spans, label: `${name} ring: ${size} slots, RP ${rp}, WP ${wp}, ${used} outstanding, ${size - 1 - used} free` };
}

/** Where the RP and WP labels go under a ring bar: `left` is an end-anchored x, `right` a start-anchored x. */
export interface MarkerLabels {
  left: number;
  leftName: 'RP' | 'WP';
  right: number;
  rightName: 'RP' | 'WP';
}

/**
 * The left marker's label sits left of its line and the right one's right of it, so close
 * markers never overprint; both stay inside the bar (a label is about LABEL_W px wide).
 */
export function markerLabels(rpX: number, wpX: number, width: number): MarkerLabels {
  const LABEL_W = 16;
  const rpLeft = rpX <= wpX;
  const [lx, rx] = rpLeft ? [rpX, wpX] : [wpX, rpX];
  const right = Math.min(width - LABEL_W, Math.max(rx + 2, LABEL_W + 2));
  const left = Math.max(LABEL_W, Math.min(lx - 2, right - 2));
  return { left, leftName: rpLeft ? 'RP' : 'WP', right, rightName: rpLeft ? 'WP' : 'RP' };
}
