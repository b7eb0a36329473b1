import { mhiPciBusId, pciClassName, type HostBridge, type MhiController, type OsDevice, type PciFunction, type Workspace } from '../../src-common/workspace';

/**
 * What lstopo draws below a package (or the machine): host bridges holding PCI functions (a
 * PCI-to-PCI bridge holds its own), each function holding its OS devices. An MHI controller
 * sits in its PCI function: the host's own when `host.io` lists it, else a slot of its own on
 * its socket. Measured as boxes, then placed in rows that wrap at the width they are given.
 */
export interface IoBox {
  id: string;
  kind: 'hostbridge' | 'pcibridge' | 'pci' | 'osdev' | 'mhi';
  label: string;
  children: IoBox[];
}

export const hostBridgeId = (b: Pick<HostBridge, 'buses'>) => `hb:${b.buses.domain}:${b.buses.first}`;
export const pciId = (busid: string) => `pci:${busid}`;
export const osdevId = (busid: string, name: string) => `osdev:${busid}:${name}`;

const OSDEV_LABEL: Record<OsDevice['type'], string> = { block: 'Block', gpu: 'GPU', network: 'Net', openfabrics: 'OpenFabrics', dma: 'DMA', coproc: 'CoProc' };
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** lstopo's label: `PCI 00:03.0 (Ethernet)`; the domain only when it is not 0000. */
export function pciLabel(f: Pick<PciFunction, 'busid' | 'classId'>): string {
  const at = f.busid.startsWith('0000:') ? f.busid.slice(5) : f.busid;
  return `PCI ${at} (${pciClassName(f.classId)})`;
}

export const mhiLabel = (m: MhiController) => `MHI ${m.name} (Gen${m.pcieGen} x${m.pcieWidth})`;

function pciBox(f: PciFunction, mhiAt: Map<string, MhiController[]>, mhiId: (name: string) => string): IoBox {
  const mhis = (mhiAt.get(f.busid) ?? []).map((m): IoBox => ({ id: mhiId(m.name), kind: 'mhi', label: mhiLabel(m), children: [] }));
  if (f.bridge)
    return { id: pciId(f.busid), kind: 'pcibridge', label: `PCIBridge ${f.busid.startsWith('0000:') ? f.busid.slice(5) : f.busid} [${hex2(f.bridge.buses.first)}-${hex2(f.bridge.buses.last)}]`, children: f.bridge.children.map((c) => pciBox(c, mhiAt, mhiId)) };
  const os = (f.osdevs ?? []).map((d): IoBox => ({ id: osdevId(f.busid, d.name), kind: 'osdev', label: `${OSDEV_LABEL[d.type]} ${d.name}`, children: [] }));
  return { id: pciId(f.busid), kind: 'pci', label: pciLabel(f), children: [...os, ...mhis] };
}

/** The I/O boxes of one socket (or, with `socket` undefined, of the machine), in document order. */
export function ioBoxes(ws: Workspace, socket: number | undefined, mhiId: (name: string) => string): IoBox[] {
  const listed = new Set<string>();
  const walk = (fs: readonly PciFunction[]) => fs.forEach((f) => (listed.add(f.busid), f.bridge && walk(f.bridge.children)));
  for (const b of ws.host.io ?? []) walk(b.children);
  const mhiAt = new Map<string, MhiController[]>();
  ws.devices.mhi.forEach((m, i) => {
    const busid = mhiPciBusId(ws.devices.mhi, i);
    mhiAt.set(busid, [...(mhiAt.get(busid) ?? []), m]);
  });
  const out: IoBox[] = (ws.host.io ?? [])
    .filter((b) => b.socket === socket)
    .map((b) => ({ id: hostBridgeId(b), kind: 'hostbridge', label: `HostBridge ${b.buses.domain}:[${hex2(b.buses.first)}-${hex2(b.buses.last)}]`, children: b.children.map((f) => pciBox(f, mhiAt, mhiId)) }));
  if (socket === undefined) return out;
  // MHI modems the host's I/O does not list: a PCI slot of their own on their socket.
  ws.devices.mhi.forEach((m, i) => {
    const busid = mhiPciBusId(ws.devices.mhi, i);
    if (m.socket !== socket || listed.has(busid)) return;
    out.push({ id: pciId(busid), kind: 'pci', label: `PCI ${busid} (MHI modem)`, children: [{ id: mhiId(m.name), kind: 'mhi', label: mhiLabel(m), children: [] }] });
  });
  return out;
}

export interface Size {
  w: number;
  h: number;
}

export interface IoGeometry {
  leafW: number;
  leafH: number;
  pad: number;
  gap: number;
  labelH: number;
}

/** A box's size: a leaf, a column of leaves (a PCI function with its OS devices), or a wrapped row of boxes. */
export function measureIo(box: IoBox, maxW: number, g: IoGeometry, out: Map<string, Size>): Size {
  let s: Size;
  if (!box.children.length) s = { w: g.leafW, h: g.leafH };
  else if (box.kind === 'pci') s = { w: g.leafW, h: g.labelH + 2 * g.pad + box.children.length * (g.leafH + g.gap) - g.gap };
  else {
    const inner = box.children.map((c) => measureIo(c, maxW - 2 * g.pad, g, out));
    const rows = flow(inner, maxW - 2 * g.pad, g.gap);
    s = { w: Math.max(g.leafW, rows.w) + 2 * g.pad, h: g.labelH + 2 * g.pad + rows.h };
  }
  if (box.kind === 'pci') for (const c of box.children) out.set(c.id, { w: g.leafW - 2 * g.pad, h: g.leafH });
  out.set(box.id, s);
  return s;
}

/** Positions of boxes in rows that wrap at `maxW` (relative to the first one's top left), and the extent. */
export function flow(sizes: readonly Size[], maxW: number, gap: number): { at: { x: number; y: number }[]; w: number; h: number } {
  const at: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowH = 0;
  let w = 0;
  for (const s of sizes) {
    if (x > 0 && x + s.w > maxW) {
      x = 0;
      y += rowH + gap;
      rowH = 0;
    }
    at.push({ x, y });
    x += s.w + gap;
    w = Math.max(w, x - gap);
    rowH = Math.max(rowH, s.h);
  }
  return { at, w, h: sizes.length ? y + rowH : 0 };
}

/** Places a measured box at (x, y) and everything in it, calling `put` for each (parent first). */
export function placeIo(box: IoBox, parent: string, x: number, y: number, maxW: number, g: IoGeometry, sizes: Map<string, Size>, put: (b: IoBox, parent: string, r: { x: number; y: number; w: number; h: number }) => void): void {
  const s = sizes.get(box.id)!;
  put(box, parent, { x, y, ...s });
  if (!box.children.length) return;
  if (box.kind === 'pci') {
    box.children.forEach((c, i) => put(c, box.id, { x: x + g.pad, y: y + g.labelH + g.pad + i * (g.leafH + g.gap), w: g.leafW - 2 * g.pad, h: g.leafH }));
    return;
  }
  const inner = box.children.map((c) => sizes.get(c.id)!);
  const rows = flow(inner, maxW - 2 * g.pad, g.gap);
  box.children.forEach((c, i) => placeIo(c, box.id, x + g.pad + rows.at[i].x, y + g.labelH + g.pad + rows.at[i].y, maxW - 2 * g.pad, g, sizes, put));
}
