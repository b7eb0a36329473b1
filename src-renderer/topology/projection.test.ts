import { describe, expect, it } from 'vitest';
import cytoscape from 'cytoscape';
import { parseWorkspace, type Workspace } from '../../src-common/workspace';
import { bigWorkspace, seedWorkspace } from './dev/cases';
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
    expect(over.message).toMatch(/^CPUs 4 are overcommitted/);
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
