import { cacheNestingOrder, hostCaches, vcpuCount, type CacheLevel, type Workspace } from '../../src-common/workspace';
import { hostTree } from './numbering';
import { cacheBarLabels, cacheGroups, cacheId, cacheLabelWidth, drawnLevels, type CacheGroup } from './layout-caches';
import { flow, ioBoxes, measureIo, mhiLabel, placeIo, type IoBox, type IoGeometry, type Size } from './layout-io';
import { AIE_ID, DMABUF_ID, MACHINE_ID, aieColumnId, aiePartitionId, coreId, dmaBufferId, dmaExporterId, dmaImporterId, guestId, mhiId, numaId, packageId, puId, vcpuId } from './ids';

/**
 * The deterministic lstopo-like layout: every box of the drawing as a rectangle in model
 * coordinates (y down). Pure arithmetic on the document and the view model's block offsets,
 * so the same workspace always draws the same picture.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const PU_W = 50;
export const PU_H = 24;
export const GAP = 4;
/** Inner padding of every box. */
export const PAD = 6;
/** Height of the label band at the top of a box (labels are drawn inside, as lstopo does). */
export const LABEL_H = 16;
/** Every node has a 1 px border, half of it outside the rectangle. */
export const BORDER = 1;
export const DEVICE_W = 150;
export const BLOCK_GAP = 60;
/** Width of one AI Engine column in the array box, and the box's least inner width. */
export const AIE_COL_W = 12;
export const AIE_MIN_W = 330;
export const AIE_RULER_H = 14;
/** Gap between the dma-buf block's columns (exporters | buffers | importers). */
export const DMA_COL_GAP = 40;
/** Width/height the package grid aims for: a little wider than tall. */
const PACKAGE_ASPECT = 1.3;
const GUEST_ASPECT = 3;

/** What the drawing shows besides the topology itself: lstopo's cache bars and I/O boxes (both on by default). */
export interface LayoutView {
  caches: boolean;
  io: boolean;
}
export const DEFAULT_VIEW: LayoutView = { caches: true, io: true };
/** Height of a cache bar (lstopo draws a shared cache as a bar across the cores it serves). */
const BAR_H = 16;

export interface Layout {
  /** Every node's rectangle, by element id. */
  rects: Map<string, Rect>;
  /** Leaf nodes (PUs, vCPUs, devices); the others are compound boxes sized around them. */
  leaves: Set<string>;
  /** Children of each compound, in order. */
  children: Map<string, string[]>;
  /** Where a bar's label goes when it is not inside it (AIE partitions). */
  labelSides: Map<string, LabelSide>;
  /** The cache bars and I/O boxes drawn, with their labels' source (the projection names them). */
  caches: Map<string, { level: CacheLevel; index: number }>;
  io: Map<string, IoBox>;
}

type Offsets = Record<string, { x: number; y: number }> | undefined;

/** Picks the number of columns of a grid of `n` cells whose shape is closest to `aspect`. */
export function gridColumns(n: number, cellW: number, cellH: number, aspect: number, step = 1): number {
  let best = Math.min(n, step);
  let bestErr = Infinity;
  for (let cols = step; cols < n + step; cols += step) {
    const rows = Math.ceil(n / cols);
    const err = Math.abs(Math.log((cols * cellW) / (rows * cellH) / aspect));
    if (err < bestErr - 1e-9) {
      best = Math.min(cols, n);
      bestErr = err;
    }
  }
  return best;
}

/** Room for a guest box's label (bold 11 px, about 7 px a character), so neighbours' labels never collide. */
const labelWidth = (g: Workspace['guests'][number]) => {
  const text = `Guest ${g.name} · ${vcpuCount(g)} vCPUs (${g.smp.sockets}×${g.smp.cores}×${g.smp.threads}) · 0000 GiB`;
  return Math.ceil(text.length * 7) + 2 * PAD;
};

export type LabelSide = 'inside' | 'left' | 'right';

class Builder {
  caches: Layout['caches'] = new Map();
  io = new Map<string, IoBox>();
  rects = new Map<string, Rect>();
  labelSides = new Map<string, LabelSide>();
  leaves = new Set<string>();
  children = new Map<string, string[]>();

  leaf(id: string, parent: string | null, r: Rect) {
    this.rects.set(id, r);
    this.leaves.add(id);
    if (parent) this.child(parent, id);
  }
  box(id: string, parent: string | null, r: Rect) {
    this.rects.set(id, r);
    if (parent) this.child(parent, id);
  }
  child(parent: string, id: string) {
    const list = this.children.get(parent) ?? [];
    list.push(id);
    this.children.set(parent, list);
  }
}

export function layoutWorkspace(ws: Workspace, view: LayoutView = DEFAULT_VIEW): Layout {
  const b = new Builder();
  const offsets: Offsets = ws.view?.positions;
  const host = layoutHost(b, ws, offsets?.[MACHINE_ID] ?? { x: 0, y: 0 }, view);
  const guestsRight = layoutGuests(b, ws, host, offsets);
  // Devices stand in a column to the right of the host and the guests' default places.
  const at = { x: Math.max(host.x + host.w, guestsRight) + BLOCK_GAP, y: host.y };
  const aie = layoutAie(b, ws, offsets?.[AIE_ID] ?? at);
  layoutDmabuf(b, ws, offsets?.[DMABUF_ID] ?? { x: at.x, y: aie ? at.y + aie.h + BLOCK_GAP / 2 : at.y });
  return { rects: b.rects, leaves: b.leaves, children: b.children, labelSides: b.labelSides, caches: b.caches, io: b.io };
}

const IO_GEOMETRY: IoGeometry = { leafW: DEVICE_W, leafH: PU_H, pad: PAD, gap: GAP, labelH: LABEL_H };

/** A cache group's size: its bars over its sub-groups (in a grid) or its one core. */
function measureGroup(g: CacheGroup, core: Size, sizes: Map<CacheGroup, Size & { cols: number; cell: Size }>): Size {
  const bars = g.bars.length * (BAR_H + GAP);
  if (!g.children.length) {
    const s = { w: core.w, h: bars + core.h };
    sizes.set(g, { ...s, cols: 1, cell: core });
    return s;
  }
  const kids = g.children.map((c) => measureGroup(c, core, sizes));
  const cell = { w: Math.max(...kids.map((k) => k.w)), h: Math.max(...kids.map((k) => k.h)) };
  // Side by side, as lstopo draws the cores under a cache; a grid only for many.
  const cols = kids.length <= 4 ? kids.length : gridColumns(kids.length, cell.w + GAP, cell.h + GAP, PACKAGE_ASPECT);
  const rows = Math.ceil(kids.length / cols);
  const s = { w: cols * cell.w + (cols - 1) * GAP, h: bars + rows * cell.h + (rows - 1) * GAP };
  sizes.set(g, { ...s, cols, cell });
  return s;
}

function layoutHost(b: Builder, ws: Workspace, origin: { x: number; y: number }, view: LayoutView): Rect {
  const tpc = ws.host.threadsPerCore;
  const puCols = Math.min(tpc, 4);
  const puRows = Math.ceil(tpc / 4);
  const levels = view.caches ? drawnLevels(cacheNestingOrder(hostCaches(ws.host, ws.params))) : [];
  // As lstopo widens a box to its label: a bar over a single core (an x86 L2) is as wide as the
  // core, and one thread's width does not hold `L2 L#11 (1024KB)`. The PUs stay centred.
  const coreCount = ws.host.sockets.reduce((n, s) => n + s.cores, 0);
  const barW = Math.max(0, ...levels.filter((c) => c.cores === 1).map((c) => cacheLabelWidth(cacheBarLabels(c, coreCount - 1).labelL, PAD)));
  const pusW = puCols * PU_W + (puCols - 1) * GAP;
  const coreW = Math.max(pusW + 2 * PAD, barW);
  const puX = (coreW - pusW) / 2;
  const coreH = LABEL_H + puRows * PU_H + (puRows - 1) * GAP + 2 * PAD;
  const sockets = hostTree(ws.host);
  const groupSizes = new Map<CacheGroup, Size & { cols: number; cell: Size }>();

  // Size every package first so the machine grid can use the widest one.
  const pkgSizes = sockets.map((s) => {
    const groups = cacheGroups(s.cores, levels);
    const gs = groups.map((g) => measureGroup(g, { w: coreW, h: coreH }, groupSizes));
    const cell = { w: Math.max(...gs.map((g) => g.w)), h: Math.max(...gs.map((g) => g.h)) };
    const cols = gridColumns(groups.length, cell.w + GAP, cell.h + GAP, PACKAGE_ASPECT);
    const rows = Math.ceil(groups.length / cols);
    const numaW = cols * cell.w + (cols - 1) * GAP + 2 * PAD;
    const numaH = LABEL_H + rows * cell.h + (rows - 1) * GAP + 2 * PAD;
    return { groups, cell, cols, numaW, numaH, w: numaW + 2 * PAD };
  });
  const pkgCols = sockets.length <= 3 ? sockets.length : Math.ceil(Math.sqrt(sockets.length));
  // Below the NUMA node: the socket's I/O (host bridges, PCI functions, MHI modems on their slot),
  // or with I/O hidden its MHI controllers alone, in rows as wide as the package (widened to hold the widest box).
  const ioSizes = new Map<string, Size>();
  const mhiBox = (m: Workspace['devices']['mhi'][number]): IoBox => ({ id: mhiId(m.name), kind: 'mhi', label: mhiLabel(m), children: [] });
  const socketIo = sockets.map((s) => (view.io ? ioBoxes(ws, s.logical, mhiId) : ws.devices.mhi.filter((m) => m.socket === s.logical).map(mhiBox)));
  const numaCellW = Math.max(...pkgSizes.map((p) => p.w));
  const widest = Math.max(0, ...socketIo.flat().map((x) => measureIo(x, numaCellW - 2 * PAD, IO_GEOMETRY, ioSizes).w));
  const cellW = Math.max(numaCellW, widest + 2 * PAD);
  const ioW = cellW - 2 * PAD;
  const ioFlow = socketIo.map((boxes) => flow(boxes.map((x) => measureIo(x, ioW, IO_GEOMETRY, ioSizes)), ioW, GAP));
  const cellH = Math.max(...pkgSizes.map((p, i) => LABEL_H + p.numaH + (ioFlow[i].h ? GAP + ioFlow[i].h : 0) + 2 * PAD));
  const pkgRows = Math.ceil(sockets.length / pkgCols);
  const gridW = pkgCols * cellW + (pkgCols - 1) * 2 * GAP;
  // The machine's own I/O (host bridges no package holds) in rows under the packages.
  const machineIo = view.io ? ioBoxes(ws, undefined, mhiId) : [];
  const mFlow = flow(machineIo.map((x) => measureIo(x, gridW, IO_GEOMETRY, ioSizes)), gridW, GAP);
  const machine: Rect = {
    x: origin.x,
    y: origin.y,
    w: Math.max(gridW, mFlow.w) + 2 * PAD,
    h: LABEL_H + pkgRows * cellH + (pkgRows - 1) * 2 * GAP + (mFlow.h ? 2 * GAP + mFlow.h : 0) + 2 * PAD,
  };
  b.box(MACHINE_ID, null, machine);
  const putIo = (box: IoBox, parent: string, r: Rect) => {
    if (box.children.length) b.box(box.id, parent, r);
    else b.leaf(box.id, parent, r);
    b.io.set(box.id, box);
  };
  const levelIndex = new Map<string, number>();

  sockets.forEach((s, si) => {
    const size = pkgSizes[si];
    const px = machine.x + PAD + (si % pkgCols) * (cellW + 2 * GAP);
    const py = machine.y + LABEL_H + PAD + Math.floor(si / pkgCols) * (cellH + 2 * GAP);
    b.box(packageId(si), MACHINE_ID, { x: px, y: py, w: cellW, h: cellH });
    const nx = px + PAD;
    const ny = py + LABEL_H + PAD;
    b.box(numaId(si), packageId(si), { x: nx, y: ny, w: cellW - 2 * PAD, h: size.numaH });
    const place = (g: CacheGroup, x: number, y: number) => {
      const gs = groupSizes.get(g)!;
      g.bars.forEach((c, k) => {
        const id = cacheId(c, g.cores[0].logical);
        const key = `${c.level}${c.type}`;
        const index = levelIndex.get(key) ?? 0;
        levelIndex.set(key, index + 1);
        b.leaf(id, numaId(si), { x, y: y + k * (BAR_H + GAP), w: gs.w, h: BAR_H });
        b.caches.set(id, { level: c, index });
      });
      const top = y + g.bars.length * (BAR_H + GAP);
      if (!g.children.length) {
        const c = g.cores[0];
        b.box(coreId(c.logical), numaId(si), { x, y: top, w: coreW, h: coreH });
        c.pus.forEach((cpu, t) => {
          b.leaf(puId(cpu), coreId(c.logical), {
            x: x + puX + (t % 4) * (PU_W + GAP),
            y: top + LABEL_H + PAD + Math.floor(t / 4) * (PU_H + GAP),
            w: PU_W,
            h: PU_H,
          });
        });
        return;
      }
      g.children.forEach((child, k) => place(child, x + (k % gs.cols) * (gs.cell.w + GAP), top + Math.floor(k / gs.cols) * (gs.cell.h + GAP)));
    };
    size.groups.forEach((g, k) => place(g, nx + PAD + (k % size.cols) * (size.cell.w + GAP), ny + LABEL_H + PAD + Math.floor(k / size.cols) * (size.cell.h + GAP)));
    const f = ioFlow[si];
    socketIo[si].forEach((box, i) => placeIo(box, packageId(si), nx + f.at[i].x, ny + size.numaH + GAP + f.at[i].y, ioW, IO_GEOMETRY, ioSizes, putIo));
  });
  const my = machine.y + LABEL_H + PAD + pkgRows * cellH + (pkgRows - 1) * 2 * GAP + 2 * GAP;
  machineIo.forEach((box, i) => placeIo(box, MACHINE_ID, machine.x + PAD + mFlow.at[i].x, my + mFlow.at[i].y, gridW, IO_GEOMETRY, ioSizes, putIo));
  return machine;
}

/** Lays out the guests in rows below the host; returns the right edge of their default places. */
function layoutGuests(b: Builder, ws: Workspace, host: Rect, offsets: Offsets): number {
  let right = host.x;
  let x = host.x;
  let y = host.y + host.h + BLOCK_GAP;
  let rowH = 0;
  for (const g of ws.guests) {
    const t = g.smp.threads;
    const n = vcpuCount(g);
    const vcores = Math.ceil(n / t);
    // Columns count whole virtual cores, so SMT siblings stay side by side.
    const vcoreW = t * PU_W + (t - 1) * GAP;
    const cols = gridColumns(vcores, vcoreW + 3 * GAP, PU_H + GAP, GUEST_ASPECT / Math.max(1, t / 2));
    const rows = Math.ceil(vcores / cols);
    const w = Math.max(cols * vcoreW + (cols - 1) * 3 * GAP + 2 * PAD, labelWidth(g));
    const h = LABEL_H + rows * PU_H + (rows - 1) * GAP + 2 * PAD;
    if (x > host.x && x + w > host.x + Math.max(host.w, 1200)) {
      x = host.x;
      y += rowH + BLOCK_GAP / 2;
      rowH = 0;
    }
    const at = offsets?.[guestId(g.name)] ?? { x, y };
    b.box(guestId(g.name), null, { x: at.x, y: at.y, w, h });
    for (let v = 0; v < n; v++) {
      const k = Math.floor(v / t);
      b.leaf(vcpuId(g.name, v), guestId(g.name), {
        x: at.x + PAD + (k % cols) * (vcoreW + 3 * GAP) + (v % t) * (PU_W + GAP),
        y: at.y + LABEL_H + PAD + Math.floor(k / cols) * (PU_H + GAP),
        w: PU_W,
        h: PU_H,
      });
    }
    right = Math.max(right, x + w);
    x += w + BLOCK_GAP / 2;
    rowH = Math.max(rowH, h);
  }
  return right;
}

/**
 * The AI Engine array: a box whose width stands for its columns, one row per partition with a
 * bar over the partition's column range, and a ruler of the columns at the bottom.
 */
function layoutAie(b: Builder, ws: Workspace, at: { x: number; y: number }): Rect | null {
  const a = ws.devices.aie;
  if (!a) return null;
  const innerW = Math.max(a.columns * AIE_COL_W, AIE_MIN_W);
  const scale = innerW / a.columns;
  const bars = packPartitions(a, innerW);
  const rows = Math.max(1, ...bars.map((p) => p.row + 1));
  const rulerY = LABEL_H + PAD + rows * PU_H + (rows - 1) * GAP + GAP;
  const box: Rect = { x: at.x, y: at.y, w: innerW + 2 * PAD, h: rulerY + AIE_RULER_H + PAD };
  b.box(AIE_ID, null, box);
  // A ruler of the array's columns under the bars, so ranges and free columns can be read off.
  for (let c = 0; c < a.columns; c++) b.leaf(aieColumnId(c), AIE_ID, { x: box.x + PAD + c * scale, y: box.y + rulerY, w: scale, h: AIE_RULER_H });
  a.partitions.forEach((p, i) => {
    const bar = bars[i];
    b.leaf(aiePartitionId(p.name), AIE_ID, { x: box.x + PAD + bar.x, y: box.y + LABEL_H + PAD + bar.row * (PU_H + GAP), w: bar.w, h: PU_H });
    b.labelSides.set(aiePartitionId(p.name), bar.side);
  });
  return box;
}

/** A partition bar's label: its name and column range. */
export const partitionLabel = (p: { name: string; startCol: number; numCols: number }) => `${p.name} · cols ${p.startCol}–${p.startCol + p.numCols - 1}`;
/** Room a 10 px label takes (about 6 px a character). */
const labelRoom = (text: string) => text.length * 6 + 8;

/**
 * Places each partition's bar over its columns, in the first row where the bar and its label
 * (inside when it fits, else beside it, right or left) clear everything already in that row —
 * so partitions share rows and a narrow one's label never covers another bar.
 */
function packPartitions(a: NonNullable<Workspace['devices']['aie']>, innerW: number) {
  const scale = innerW / a.columns;
  const taken: [number, number][][] = [];
  return a.partitions.map((p) => {
    const start = Math.min(p.startCol, a.columns - 1);
    // 2 px in from its columns' edges, so bars (2 px borders) of adjacent partitions stay apart.
    const x = start * scale + 2;
    const w = Math.max(1, Math.min(p.numCols, a.columns - start)) * scale - 4;
    const need = labelRoom(partitionLabel(p));
    const options: [LabelSide, number, number][] =
      w >= need
        ? [['inside', x, x + w]]
        : [
            ['right', x, x + w + 4 + need],
            ['left', x - 4 - need, x + w],
          ];
    const fits = ([, x1, x2]: [LabelSide, number, number]) => x1 >= 0 && x2 <= innerW;
    // Labels beside a bar already keep 4 px from it; other bars may touch its extent.
    const usable = options.filter(fits);
    const choices = usable.length ? usable : [options[0]];
    for (let row = 0; ; row++) {
      const used = (taken[row] ??= []);
      const free = choices.find(([, x1, x2]) => used.every(([u1, u2]) => x2 <= u1 || u2 <= x1));
      if (free) {
        used.push([free[1], free[2]]);
        return { x, w, row, side: free[0] };
      }
    }
  });
}

/**
 * dma-buf devices in three columns: each exporter with the buffer it exports on its row, the
 * importers of that buffer on the rows beside it, importers without a source at the end.
 */
function layoutDmabuf(b: Builder, ws: Workspace, at: { x: number; y: number }): Rect | null {
  const { exporters, importers } = ws.devices.dmabuf;
  if (!exporters.length && !importers.length) return null;
  const rowsOf = dmabufRows(ws);
  const rows = Math.max(1, rowsOf.rows);
  const box: Rect = { x: at.x, y: at.y, w: 3 * DEVICE_W + 2 * DMA_COL_GAP + 2 * PAD, h: LABEL_H + 2 * PAD + rows * PU_H + (rows - 1) * GAP };
  b.box(DMABUF_ID, null, box);
  const cell = (col: number, row: number): Rect => ({ x: box.x + PAD + col * (DEVICE_W + DMA_COL_GAP), y: box.y + LABEL_H + PAD + row * (PU_H + GAP), w: DEVICE_W, h: PU_H });
  exporters.forEach((e) => {
    const row = rowsOf.exporter.get(e.name)!;
    b.leaf(dmaExporterId(e.name), DMABUF_ID, cell(0, row));
    b.leaf(dmaBufferId(e.name), DMABUF_ID, cell(1, row));
  });
  importers.forEach((m) => b.leaf(dmaImporterId(m.name), DMABUF_ID, cell(2, rowsOf.importer.get(m.name)!)));
  return box;
}

/** The row of each dma-buf exporter and importer in the block, and how many rows there are. */
export function dmabufRows(ws: Workspace) {
  const { exporters, importers } = ws.devices.dmabuf;
  const exporter = new Map<string, number>();
  const importer = new Map<string, number>();
  let row = 0;
  for (const e of exporters) {
    exporter.set(e.name, row);
    const fed = importers.filter((m) => m.source === e.name);
    fed.forEach((m, k) => importer.set(m.name, row + k));
    row += Math.max(1, fed.length);
  }
  for (const m of importers) if (!importer.has(m.name)) importer.set(m.name, row++);
  return { exporter, importer, rows: row };
}
