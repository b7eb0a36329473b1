import { describe, expect, it } from 'vitest';
import cytoscape from 'cytoscape';
import { applyProjection } from './apply';
import { parseWorkspace, type Workspace } from '../../src-common/workspace';
import { bigWorkspace, devicesWorkspace, seedWorkspace } from './dev/cases';
import { projectWorkspace } from './projection';
import { layoutWorkspace, type Rect } from './layout';
import { parseNodeId } from './ids';
import { projectionToSvg } from './export-svg';
import * as E from './edits';

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const byId = (ws: Workspace) => new Map(projectWorkspace(ws).elements.map((e) => [e.data.id!, e]));
const ok = (r: E.EditResult): Workspace => {
  if (!r.ok) throw new Error(r.message);
  return r.doc;
};
const refused = (r: E.EditResult) => (r.ok ? 'applied' : r.message);

describe('devices on the drawing', () => {
  const ws = devicesWorkspace();
  const els = byId(ws);

  it('draws the AIE array with one bar per partition, labelled with its columns', () => {
    expect(els.get('aie')!.data.labelL).toBe('AI Engine 50 × 9 · 3 partitions');
    expect(els.get('aiepart:p0')!.data.labelL).toBe('p0 · cols 0–11');
    expect(els.get('aiepart:p2')!.data.labelL).toBe('p2 · cols 40–40');
    expect(els.get('aiepart:p0')!.data.container).toBe('aie');
    // A bar's width stands for its columns: p0 has 12, p1 4.
    // (Bars sit 2 px in from their columns' edges.)
    expect((els.get('aiepart:p0')!.data.w as number) + 4).toBe(3 * ((els.get('aiepart:p1')!.data.w as number) + 4));
    // A one-column bar is too narrow for its label, which goes beside it; a wide one keeps it inside.
    expect(els.get('aiepart:p2')!.classes).toMatch(/label-(left|right)/);
    expect(els.get('aiepart:p0')!.classes).toBe('aie-part');
  });

  it('packs partitions into shared rows where neither bars nor labels collide', () => {
    const rows = (w: Workspace) => {
      const layout = layoutWorkspace(w);
      return w.devices.aie!.partitions.map((p) => layout.rects.get(`aiepart:${p.name}`)!.y - layout.rects.get('aie')!.y);
    };
    const [r0, r1, r2] = rows(ws);
    expect(r1).toBe(r0);
    expect(r2).toBe(r0);
    // p3 on columns 16–19 would put its label over p1's: it takes the next row.
    const more = ok(E.addAiePartition(ws, { startCol: 16, numCols: 4 }));
    expect(rows(more)[3]).toBeGreaterThan(r0);
    // 50 one-column partitions: each label spans ~9 columns, so rows are shared — well under fifty.
    const many = structuredClone(ws);
    many.devices.dmabuf = { exporters: [], importers: [] };
    many.devices.aie!.partitions = Array.from({ length: 50 }, (_, c) => ({ name: `q${c}`, startCol: c, numCols: 1 }));
    const r = new Set(rows(parseWorkspace(many)));
    expect(r.size).toBeLessThanOrEqual(20);
  });

  it('draws dma-buf exporters → buffers → importers with edges, the AIE buffer sized from its partition', () => {
    expect(els.get('dmaexp:heap0')!.data.labelL).toBe('heap0 · system-heap');
    expect(els.get('dmabuf:heap0')!.data.labelL).toBe('buffer · 1 MiB');
    // 32 KiB data memory × 12 columns × 8 core rows.
    expect(els.get('dmabuf:aiemem0')!.data.labelL).toBe('buffer · 3 MiB data');
    expect(els.get('dmaedge:exp:cam0')!.data).toMatchObject({ source: 'dmaexp:cam0', target: 'dmabuf:cam0' });
    expect(els.get('dmaedge:imp:disp0')!.data).toMatchObject({ source: 'dmabuf:cam0', target: 'dmaimp:disp0' });
    expect([...els.values()].filter((e) => String(e.classes).startsWith('dma') && e.group === 'edges')).toHaveLength(7);
  });

  it('keeps MHI controllers on their socket, each in a PCI slot of that socket (or, with I/O hidden, on the package)', () => {
    expect(els.get('mhi:mhi0')!.data.container).toBe('pci:0000:01:00.0');
    expect(els.get('pci:0000:01:00.0')!.data.container).toBe('pkg:0');
    expect(els.get('pci:0000:01:00.0')!.data.labelL).toBe('PCI 0000:01:00.0 (MHI modem)');
    expect(els.get('mhi:mhi1')!.data.container).toBe('pci:0001:01:00.0');
    expect(els.get('pci:0001:01:00.0')!.data.container).toBe('pkg:1');
    const hidden = new Map(projectWorkspace(ws, { caches: true, io: false }).elements.map((e) => [e.data.id!, e]));
    expect(hidden.get('mhi:mhi0')!.data.container).toBe('pkg:0');
    expect(hidden.has('pci:0000:01:00.0')).toBe(false);
  });

  it('warns about an importer of an AIE buffer (map_dma_buf is not implemented) and one without a source', () => {
    const w = projectWorkspace(ws).warnings;
    expect(w.map((x) => x.code)).toEqual(['dmabuf-aie-map']);
    expect(w[0].field).toBe('devices.dmabuf.importers[3].source');
    expect(els.get('dmaimp:gpu2')!.classes).toContain('warn');
    expect(els.get('dmaedge:imp:gpu2')!.classes).toBe('dma warn');
    const unsourced = ok(E.updateDmaImporter(ws, 'gpu0', { source: null }));
    expect(projectWorkspace(unsourced).warnings.map((x) => x.message)).toContain('dma-buf importer gpu0 has no source: it imports nothing');
  });

  it('places the devices beside the host and guests, each inside its box, nothing overlapping', () => {
    const threeMhi = ok(E.addMhi(ok(E.addMhi(ws, 1)), 1));
    for (const w of [ws, bigWorkspace(), threeMhi]) {
      const layout = layoutWorkspace(w);
      for (const [parent, kids] of layout.children) for (const k of kids) expect(inside(layout.rects.get(k)!, layout.rects.get(parent)!), `${k} in ${parent}`).toBe(true);
      const tops = [...layout.rects.keys()].filter((id) => id === 'machine' || id === 'aie' || id === 'dmabuf' || id.startsWith('guest:')).map((id) => layout.rects.get(id)!);
      for (let i = 0; i < tops.length; i++) for (let j = i + 1; j < tops.length; j++) expect(overlap(tops[i], tops[j])).toBe(false);
      const dma = [...layout.rects.keys()].filter((id) => (id.startsWith('dma') && id !== 'dmabuf') || id.startsWith('mhi:') || id.startsWith('numa:')).map((id) => layout.rects.get(id)!);
      for (let i = 0; i < dma.length; i++) for (let j = i + 1; j < dma.length; j++) expect(overlap(dma[i], dma[j])).toBe(false);
    }
    const layout = layoutWorkspace(ws);
    expect(layout.rects.get('aie')!.x).toBeGreaterThan(layout.rects.get('machine')!.x + layout.rects.get('machine')!.w);
    // Importers sit on their source's rows.
    expect(layout.rects.get('dmaimp:gpu0')!.y).toBe(layout.rects.get('dmabuf:heap0')!.y);
  });

  it('draws the benchmark AIE array (50 × 9) and no device boxes for a workspace without devices', () => {
    expect(byId(bigWorkspace()).get('aie')!.data.labelL).toBe('AI Engine 50 × 9 · 1 partition');
    const seed = byId(seedWorkspace());
    expect(seed.has('aie')).toBe(false);
    expect(seed.has('dmabuf')).toBe(false);
  });

  it('is deterministic and exports devices to SVG, labels beside narrow bars', () => {
    expect(projectWorkspace(devicesWorkspace())).toEqual(projectWorkspace(devicesWorkspace()));
    const svg = projectionToSvg(projectWorkspace(ws).elements, 'physical');
    expect(svg).toContain('AI Engine 50 × 9');
    expect(svg).toContain('p2 · cols 40–40');
    expect(svg).toContain('gpu2 · gpu');
    expect(svg).toMatch(/<polyline [^>]*marker-end="url\(#arrow\)"/);
    expect(svg).toMatch(/text-anchor="(start|end)"[^>]*>p2 · cols/);
  });

  it('parses device ids back', () => {
    expect(parseNodeId('aie')).toEqual({ kind: 'aie' });
    expect(parseNodeId('aiepart:p0')).toEqual({ kind: 'aie-partition', name: 'p0' });
    expect(parseNodeId('dmabuf')).toEqual({ kind: 'dmabuf' });
    expect(parseNodeId('dmabuf:heap0')).toEqual({ kind: 'dma-buffer', exporter: 'heap0' });
    expect(parseNodeId('dmaexp:cam0')).toEqual({ kind: 'dma-exporter', name: 'cam0' });
    expect(parseNodeId('dmaimp:gpu0')).toEqual({ kind: 'dma-importer', name: 'gpu0' });
  });
});

describe('applying device edits to Cytoscape', () => {
  it('moves an import edge to the new buffer when an importer changes its source', () => {
    const cy = cytoscape({ headless: true });
    const ws = devicesWorkspace();
    applyProjection(cy, projectWorkspace(ws).elements);
    const moved = ok(E.updateDmaImporter(ws, 'gpu0', { source: 'cam0' }));
    const r = applyProjection(cy, projectWorkspace(moved).elements);
    expect(cy.getElementById('dmaedge:imp:gpu0').source().id()).toBe('dmabuf:cam0');
    expect(r).toMatchObject({ added: 1, removed: 1 });
  });
});

describe('device edits', () => {
  const ws = devicesWorkspace();

  it('adds, changes and removes an MHI controller; bad values refused naming the field', () => {
    const added = ok(E.addMhi(ws, 1));
    expect(added.devices.mhi[2]).toEqual({ name: 'mhi2', socket: 1, pcieGen: 3, pcieWidth: 1, ringSize: 32, mtu: 0x1000 });
    expect(byId(added).get('mhi:mhi2')!.data.container).toBe('pci:0001:02:00.0');
    expect(refused(E.updateMhi(added, 'mhi2', { pcieWidth: 3 as 1 }))).toBe('MHI controller mhi2: expected one of 1, 2, 4, 8, 16, got 3 (devices.mhi[2].pcieWidth)');
    expect(refused(E.updateMhi(added, 'mhi2', { ringSize: 1 }))).toBe('MHI controller mhi2: expected 2..4096, got 1 (devices.mhi[2].ringSize)');
    expect(refused(E.updateMhi(added, 'mhi2', { name: 'mhi0' }))).toBe("MHI controller mhi0: duplicate MHI controller name 'mhi0' (devices.mhi[2].name)");
    expect(refused(E.addMhi(ws, 5))).toBe('MHI controller mhi2: expected 0..1, got 5 (devices.mhi[2].socket)');
    expect(ok(E.updateMhi(added, 'mhi2', { socket: 0, pcieGen: 5 })).devices.mhi[2]).toMatchObject({ socket: 0, pcieGen: 5 });
    expect(ok(E.removeMhi(added, 'mhi2')).devices.mhi).toEqual(ws.devices.mhi);
    // The input is never changed.
    expect(ws.devices.mhi).toHaveLength(2);
  });

  it('adds a partition on the first free columns, and refuses one that overlaps or exceeds the array', () => {
    const added = ok(E.addAiePartition(ws));
    expect(added.devices.aie!.partitions[3]).toEqual({ name: 'p3', startCol: 16, numCols: 4 });
    expect(refused(E.addAiePartition(ws, { startCol: 8, numCols: 4 }))).toBe("AIE partition p3: columns 8..11 overlap partition 'p0' (columns 0..11) (devices.aie.partitions[3].startCol)");
    expect(refused(E.addAiePartition(ws, { startCol: 45, numCols: 10 }))).toBe('AIE partition p3: columns 45..54 exceed the array (columns 0..49) (devices.aie.partitions[3].numCols)');
    expect(refused(E.updateAiePartition(ws, 'p1', { numCols: 30 }))).toBe("AIE partition p2: columns 40..40 overlap partition 'p1' (columns 12..41) (devices.aie.partitions[2].startCol)");
    const full = ok(E.addAiePartition(ws, { startCol: 16, numCols: 24 }));
    const fuller = ok(E.addAiePartition(full, { startCol: 41, numCols: 9 }));
    expect(refused(E.addAiePartition(fuller))).toBe('devices.aie.partitions: no free columns: all 50 columns of the array are in partitions');
    const noArray = ok(E.removeDmaExporter(ok(E.removeDmaImporter(ws, 'gpu2')), 'aiemem0'));
    expect(refused(E.addAiePartition(ok(E.removeAieArray(noArray))))).toBe('devices.aie: there is no AI Engine array: add one first');
  });

  it('renames a partition together with the exporters of its memory; refuses removing one they export', () => {
    const renamed = ok(E.updateAiePartition(ws, 'p0', { name: 'main' }));
    expect(renamed.devices.dmabuf.exporters[2].partition).toBe('main');
    expect(refused(E.removeAiePartition(ws, 'p0'))).toBe("dma-buf exporter aiemem0 exports partition p0's data memory: remove it before removing partition p0 (devices.dmabuf.exporters[2].partition)");
    expect(ok(E.removeAiePartition(ws, 'p1')).devices.aie!.partitions.map((p) => p.name)).toEqual(['p0', 'p2']);
    expect(refused(E.removeAieArray(ws))).toMatch(/exporter aiemem0 .* remove it before removing the AI Engine array/);
    expect(refused(E.addAieArray(ws))).toBe('devices.aie: the workspace already has an AI Engine array');
  });

  it('adds dma-buf exporters and importers; a new kind brings its fields; a rename carries importers along', () => {
    const a = ok(E.addDmaExporter(ws));
    expect(a.devices.dmabuf.exporters[3]).toEqual({ name: 'heap1', kind: 'system-heap', sizeBytes: 1048576 });
    const b = ok(E.addDmaImporter(a, 'display', 'heap1'));
    expect(b.devices.dmabuf.importers[4]).toEqual({ name: 'disp1', kind: 'display', source: 'heap1' });
    const c = ok(E.updateDmaExporter(b, 'heap1', { kind: 'aie' }));
    expect(c.devices.dmabuf.exporters[3]).toEqual({ name: 'heap1', kind: 'aie', partition: 'p0', memory: 'data' });
    expect(ok(E.updateDmaExporter(c, 'heap1', { kind: 'camera' })).devices.dmabuf.exporters[3]).toEqual({ name: 'heap1', kind: 'camera', sizeBytes: 1920 * 1080 * 4 });
    const d = ok(E.updateDmaExporter(b, 'heap1', { name: 'scratch' }));
    expect(d.devices.dmabuf.importers[4].source).toBe('scratch');
    expect(refused(E.updateDmaExporter(b, 'heap1', { sizeBytes: Number.NaN }))).toMatch(/^dma-buf exporter heap1: .* \(devices\.dmabuf\.exporters\[3\]\.sizeBytes\)$/);
    expect(refused(E.updateDmaImporter(b, 'disp1', { name: 'heap0' }))).toBe("dma-buf importer heap0: duplicate dma-buf device name 'heap0' (devices.dmabuf.importers[4].name)");
    expect(refused(E.removeDmaExporter(b, 'heap1'))).toBe("dma-buf exporter heap1: disp1 imports heap1's buffer: remove it or change the source first (devices.dmabuf.exporters[3])");
    expect(ok(E.updateDmaImporter(b, 'disp1', { source: null })).devices.dmabuf.importers[4]).toEqual({ name: 'disp1', kind: 'display' });
  });

  it('Del removes selected devices in an order that works, or refuses with the reason', () => {
    const r = ok(E.deleteElements(ws, ['dmaimp:gpu2', 'dmabuf:aiemem0', 'aiepart:p0', 'mhi:mhi1']));
    expect(r.devices.mhi.map((m) => m.name)).toEqual(['mhi0']);
    expect(r.devices.aie!.partitions.map((p) => p.name)).toEqual(['p1', 'p2']);
    expect(r.devices.dmabuf.exporters.map((e) => e.name)).toEqual(['heap0', 'cam0']);
    expect(refused(E.deleteElements(ws, ['aiepart:p0']))).toMatch(/aiemem0 exports partition p0's data memory/);
    // A buffer → importer edge unlinks the importer.
    expect(ok(E.deleteElements(ws, ['dmaedge:imp:gpu0'])).devices.dmabuf.importers[0]).toEqual({ name: 'gpu0', kind: 'gpu' });
    // The dma-buf box takes every exporter and importer with it; the array box its partitions.
    const noDma = ok(E.deleteElements(ws, ['dmabuf']));
    expect(noDma.devices.dmabuf).toEqual({ exporters: [], importers: [] });
    expect(ok(E.deleteElements(noDma, ['aie'])).devices.aie).toBeNull();
    expect(parseWorkspace(noDma)).toEqual(noDma);
  });
});
