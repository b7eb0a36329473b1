import { describe, expect, it } from 'vitest';
import cytoscape from 'cytoscape';
import { parseWorkspace, type Workspace } from '../../src-common/workspace';
import { bigWorkspace, labX86Workspace, seedWorkspace } from './dev/cases';
import { describeDrawn } from './describe-drawn';
import { pinTargets, projectWorkspace } from './projection';
import { layoutWorkspace, type Rect } from './layout';
import { hostTree } from './numbering';
import { applyProjection } from './apply';
import { parseNodeId, vcpuId } from './ids';

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function byId(ws: Workspace) {
  const p = projectWorkspace(ws);
  return new Map(p.elements.map((e) => [e.data.id!, e]));
}

describe('projection of the seed workspace', () => {
  const ws = seedWorkspace();
  const els = byId(ws);

  it('draws machine > 2 packages > NUMA > 32 cores > 128 PUs and 60 vCPUs', () => {
    const kinds = (k: string) => [...els.values()].filter((e) => e.data.kind === k).length;
    expect([kinds('machine'), kinds('package'), kinds('numa'), kinds('core'), kinds('pu'), kinds('guest'), kinds('vcpu')]).toEqual([1, 2, 2, 32, 128, 2, 60]);
    expect(els.get('pu:127')!.data.container).toBe('core:31');
    expect(els.get('core:16')!.data.container).toBe('numa:1');
    expect(els.get('numa:1')!.data.container).toBe('pkg:1');
  });

  it('pins vCPUs 2k and 2k+1 of guest A to core k with one edge each; B floats', () => {
    expect(els.get('pin:A:0:core:0')).toBeDefined();
    expect(els.get('pin:A:1:core:0')).toBeDefined();
    expect(els.get('pin:A:55:core:27')).toBeDefined();
    const pins = [...els.values()].filter((e) => e.group === 'edges');
    expect(pins).toHaveLength(56);
    expect(pins.some((e) => String(e.data.source).startsWith('vcpu:B:'))).toBe(false);
    expect(els.get('pu:0')!.classes).toContain('pinned');
    expect(els.get('pu:112')!.classes).not.toContain('pinned');
  });

  it('labels logical and physical numbers as lstopo does', () => {
    expect(els.get('pkg:1')!.data.labelL).toBe('Package L#1');
    expect(els.get('pkg:1')!.data.labelP).toBe('Package P#8');
    expect(els.get('core:16')!.data.labelP).toBe('Core P#512');
    expect(els.get('pu:5')!.data.labelL).toBe('PU L#5');
    expect(els.get('numa:0')!.data.labelL).toBe('NUMANode L#0 (512 GiB)');
  });

  it('has no warnings', () => {
    expect(projectWorkspace(ws).warnings).toEqual([]);
  });

  it('is deterministic', () => {
    expect(projectWorkspace(seedWorkspace())).toEqual(projectWorkspace(seedWorkspace()));
  });
});

describe('layout', () => {
  it('nests every box inside its container and keeps siblings apart (384 threads, 8 guests)', () => {
    const ws = bigWorkspace();
    const layout = layoutWorkspace(ws);
    for (const [parent, kids] of layout.children) {
      const pr = layout.rects.get(parent)!;
      kids.forEach((k, i) => {
        expect(inside(layout.rects.get(k)!, pr), `${k} inside ${parent}`).toBe(true);
        if (i > 0) expect(overlap(layout.rects.get(k)!, layout.rects.get(kids[i - 1])!), `${k} vs ${kids[i - 1]}`).toBe(false);
      });
    }
    const tops = ['machine', ...ws.guests.map((g) => `guest:${g.name}`)].map((id) => layout.rects.get(id)!);
    for (let i = 0; i < tops.length; i++) for (let j = i + 1; j < tops.length; j++) expect(overlap(tops[i], tops[j])).toBe(false);
  });

  it('places PUs of a core in a row, in thread order', () => {
    const layout = layoutWorkspace(seedWorkspace());
    const r = [0, 1, 2, 3].map((c) => layout.rects.get(`pu:${c}`)!);
    expect(new Set(r.map((x) => x.y)).size).toBe(1);
    expect(r.map((x) => x.x)).toEqual([...r.map((x) => x.x)].sort((a, b) => a - b));
  });

  it('moves a guest box by the view model offset, not the topology', () => {
    const ws = seedWorkspace();
    ws.view = { positions: { 'guest:B': { x: 5000, y: 100 } } };
    const layout = layoutWorkspace(ws);
    expect(layout.rects.get('guest:B')!.x).toBe(5000);
    expect(layout.rects.get(vcpuId('B', 0))!.x).toBeGreaterThan(5000);
  });
});

describe('pinTargets', () => {
  const ws = seedWorkspace();
  it('covers with the fewest objects', () => {
    expect(pinTargets(ws, [0, 1, 2, 3])).toEqual(['core:0']);
    expect(pinTargets(ws, [0, 1, 2])).toEqual(['pu:0', 'pu:1', 'pu:2']);
    expect(pinTargets(ws, Array.from({ length: 68 }, (_, i) => i))).toEqual(['pkg:0', 'core:16']);
  });
});

describe('warnings', () => {
  it('flags a virtual core split across physical cores and overcommitted threads', () => {
    const ws = seedWorkspace();
    ws.guests[0].vcpupin[1].cpuset = '4-7';
    ws.guests[1].vcpupin = [0, 1, 2, 3].map((v) => ({ vcpu: v, cpuset: '4' }));
    const w = projectWorkspace(parseWorkspace(ws)).warnings;
    expect(w.map((x) => x.code).sort()).toEqual(['overcommit', 'vcore-split']);
    const split = w.find((x) => x.code === 'vcore-split')!;
    expect(split.field).toBe('guests[0].vcpupin');
    expect(split.message).toContain('virtual core 0 (vCPUs 0-1) is split across physical cores 0, 1');
    const over = w.find((x) => x.code === 'overcommit')!;
    expect(over.message).toBe('CPU 4 is overcommitted: 4 vCPUs (guest B vCPUs 0-3) are pinned to this one thread');
    const els = byId(parseWorkspace(ws));
    expect(els.get('pu:4')!.classes).toContain('warn');
    expect(els.get('vcpu:A:0')!.classes).toContain('warn');
  });
});

describe('ids', () => {
  it('parse back', () => {
    expect(parseNodeId('vcpu:A:12')).toEqual({ kind: 'vcpu', guest: 'A', vcpu: 12 });
    expect(parseNodeId('core:3')).toEqual({ kind: 'core', core: 3 });
    expect(parseNodeId('machine')).toEqual({ kind: 'machine' });
    expect(parseNodeId('nope')).toBeNull();
  });
});

describe('applyProjection (headless Cytoscape)', () => {
  it('adds everything once, then touches only what an edit changed', () => {
    const cy = cytoscape({ headless: true });
    const ws = seedWorkspace();
    expect(applyProjection(cy, projectWorkspace(ws).elements).added).toBe(cy.elements().length);
    expect(applyProjection(cy, projectWorkspace(ws).elements)).toEqual({ added: 0, removed: 0, updated: 0 });

    const edited = structuredClone(ws);
    edited.guests[1].vcpupin = [{ vcpu: 0, cpuset: '112-115' }];
    const r = applyProjection(cy, projectWorkspace(parseWorkspace(edited)).elements);
    expect(r.added).toBe(1); // the new pin edge
    expect(r.removed).toBe(0);
    expect(r.updated).toBeGreaterThan(0);
    expect(cy.getElementById('pin:B:0:core:28').nonempty()).toBe(true);
    expect(cy.getElementById('pu:112').hasClass('pinned')).toBe(true);

    const fewer = structuredClone(edited);
    fewer.host.sockets.pop();
    fewer.guests[0].vcpupin = fewer.guests[0].vcpupin.slice(0, 32);
    fewer.guests[1].vcpupin = [];
    const r2 = applyProjection(cy, projectWorkspace(parseWorkspace(fewer)).elements);
    expect(r2.removed).toBeGreaterThan(64);
    expect(cy.getElementById('pkg:1').empty()).toBe(true);
    expect(cy.nodes().length).toBe(projectWorkspace(parseWorkspace(fewer)).elements.filter((e) => e.group === 'nodes').length);
  });
});

describe('numbering', () => {
  it('gives SMT8 cores the id of their even SMT4 half', () => {
    const ws = seedWorkspace();
    ws.host.threadsPerCore = 8;
    ws.host.sockets = [{ cores: 12, memoryBytes: 1 << 30 }];
    const tree = hostTree(parseWorkspace({ ...ws, guests: [], workloads: [] }).host);
    expect(tree[0].cores.map((c) => c.physical).slice(0, 3)).toEqual([0, 2, 4]);
    expect(tree[0].cores[1].pus).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });
});

describe('caches and I/O as lstopo draws them', () => {
  it('draws the POWER9 L3 and L2 as bars across each core pair, hidden by the Caches toggle', () => {
    const ws = seedWorkspace();
    const els = byId(ws);
    const bars = [...els.values()].filter((e) => e.data.kind === 'cache');
    expect(bars).toHaveLength(32); // 16 slices × (L3 + L2); the per-core L1s are not drawn
    expect(els.get('cache:L3:0')!.data.labelL).toBe('L3 L#0 (10MB)');
    expect(els.get('cache:L2:30')!.data.labelL).toBe('L2 L#15 (512KB)');
    expect(els.get('cache:L2:30')!.data.labelP).toBe('L2 (512KB)');
    expect(els.get('cache:L3:16')!.data.container).toBe('numa:1');
    // A bar spans exactly the cores it serves, above them.
    const layout = layoutWorkspace(ws);
    const bar = layout.rects.get('cache:L3:2')!;
    const [c2, c3] = [layout.rects.get('core:2')!, layout.rects.get('core:3')!];
    expect(bar.x).toBe(Math.min(c2.x, c3.x));
    expect(bar.x + bar.w).toBe(Math.max(c2.x + c2.w, c3.x + c3.w));
    expect(bar.y + bar.h).toBeLessThan(c2.y);
    // A parameter override (one core per slice) makes every cache private to a core: a bar over each core, as wide as it.
    const privateWs = { ...ws, params: { 'host.cache.l2_smt4_cores': 1, 'host.cache.l3_smt4_cores': 1 } };
    expect([...byId(privateWs).values()].filter((e) => e.data.kind === 'cache')).toHaveLength(64);
    const priv = layoutWorkspace(privateWs);
    expect(priv.rects.get('cache:L2:5')!.w).toBe(priv.rects.get('core:5')!.w);
    expect(projectWorkspace(ws, { caches: false, io: true }).elements.some((e) => e.data.kind === 'cache')).toBe(false);
  });

  it("draws an imported machine's caches and PCI devices (host bridge > PCI > OS device) under the machine, the MHI modem in a PCI slot of its socket", () => {
    const ws = seedWorkspace();
    ws.host.caches = [
      { level: 2, type: 'unified', sizeBytes: 2 ** 20, lineBytes: 64, ways: 16, cores: 1 },
      { level: 3, type: 'unified', sizeBytes: 32 * 2 ** 20, lineBytes: 64, ways: 16, cores: 8 },
    ];
    const nic = { busid: '0000:00:03.0', classId: '0200', vendor: '1af4', device: '1041', subvendor: '1af4', subdevice: '1041', revision: '01', linkGBps: 0, osdevs: [{ name: 'eth0', type: 'network' as const }] };
    const bridge = { busid: '0030:00:00.0', classId: '0604', vendor: '1014', device: '04c1', subvendor: '0000', subdevice: '0000', revision: '00', linkGBps: 16, bridge: { buses: { domain: '0030', first: 1, last: 1 }, children: [{ ...nic, busid: '0030:01:00.0', osdevs: [{ name: 'eth1', type: 'network' as const }] }] } };
    ws.host.io = [
      { buses: { domain: '0000', first: 0, last: 0 }, children: [nic] },
      { socket: 1, buses: { domain: '0030', first: 0, last: 1 }, children: [bridge] },
    ];
    ws.devices.mhi = [{ name: 'mhi0', socket: 1, pci: '0030:01:00.0', pcieGen: 3, pcieWidth: 1, ringSize: 64, mtu: 4096 }];
    const doc = parseWorkspace(ws);
    const els = byId(doc);
    const drawn = [...els.values()].filter((e) => e.data.kind === 'cache').map((e) => e.data.id as string);
    expect(drawn.filter((id) => id.startsWith('cache:L3'))).toEqual(['cache:L3:0', 'cache:L3:8', 'cache:L3:16', 'cache:L3:24']);
    expect(drawn.filter((id) => id.startsWith('cache:L2'))).toHaveLength(32); // private, one over each core, as lstopo draws them
    expect(els.get('hb:0000:0')!.data.container).toBe('machine');
    expect(els.get('pci:0000:00:03.0')!.data.labelL).toBe('PCI 00:03.0 (Ethernet)');
    expect(els.get('osdev:0000:00:03.0:eth0')!.data.labelL).toBe('Net eth0');
    expect(els.get('hb:0030:0')!.data.container).toBe('pkg:1');
    expect(els.get('pci:0030:00:00.0')!.data.kind).toBe('pcibridge');
    expect(els.get('pci:0030:01:00.0')!.data.container).toBe('pci:0030:00:00.0');
    // The modem sits in the function the host lists at its address.
    expect(els.get('mhi:mhi0')!.data.container).toBe('pci:0030:01:00.0');
    // Every box inside its container, siblings apart.
    const layout = layoutWorkspace(doc);
    for (const [parent, kids] of layout.children) {
      const pr = layout.rects.get(parent)!;
      kids.forEach((k, i) => {
        expect(inside(layout.rects.get(k)!, pr), `${k} inside ${parent}`).toBe(true);
        for (const other of kids.slice(0, i)) expect(overlap(layout.rects.get(k)!, layout.rects.get(other)!), `${k} vs ${other}`).toBe(false);
      });
    }
    const hidden = projectWorkspace(doc, { caches: true, io: false }).elements;
    expect(hidden.some((e) => ['hostbridge', 'pci', 'pcibridge', 'osdev'].includes(e.data.kind as string))).toBe(false);
    expect(hidden.find((e) => e.data.id === 'mhi:mhi0')!.data.container).toBe('pkg:1');
  });
});

describe('the inspector on a cache bar or an I/O box', () => {
  it('says what hwloc (or the POWER9 defaults) describe, read-only; nothing for other ids', () => {
    const ws = seedWorkspace();
    expect(describeDrawn(ws, 'cache:L3:2')).toEqual({
      title: 'L3 cache · 10 MiB',
      lines: ['unified, 20-way, 128-byte lines', 'Shared by cores L#2, L#3 (CPUs 8–15)', 'POWER9 default (host.cache.* parameters).'],
    });
    const x86 = labX86Workspace();
    expect(describeDrawn(x86, 'cache:L2:1')!.lines[1]).toBe('Shared by core L#1 (CPU 1)');
    expect(describeDrawn(x86, 'pci:0000:00:03.0')!.title).toBe('PCI 0000:00:03.0 · Ethernet');
    expect(describeDrawn(x86, 'pci:0000:00:03.0')!.lines[0]).toBe('Class 0200, vendor 1af4 device 1041 (subsystem 1af4:1041), revision 01');
    expect(describeDrawn(x86, 'osdev:0000:00:02.0:vda')).toEqual({ title: 'vda · block', lines: ['OS device of PCI 0000:00:02.0', 'Size: 268435456', 'SectorSize: 512', 'LinuxDeviceID: 254:0'] });
    expect(describeDrawn(x86, 'hb:0000:0')!.lines).toEqual(['Buses 0–0', 'Not local to a package (under the machine).']);
    expect(describeDrawn(x86, 'pci:0000:01:00.0')!.lines[0]).toMatch(/^The slot of MHI controller mhi0 on socket 0/);
    expect(describeDrawn(ws, 'pu:3')).toBeNull();
    expect(describeDrawn(ws, 'cache:L9:0')).toBeNull();
  });
});
