import { describe, expect, it } from 'vitest';
import { cacheBarLabels, lstopoCacheSize } from './layout-caches';
import { layoutWorkspace } from './layout';
import { projectWorkspace } from './projection';
import { labX86Workspace, seedWorkspace } from './dev/cases';

describe('cache bars as lstopo labels them', () => {
  it('writes sizes as lstopo does: KB below 10 MiB, MB below 10 GiB, rounded', () => {
    // What `lstopo-no-graphics --input "pack:1 l3:1(size=S) core:1 pu:1" -l --of ascii` draws (hwloc 2.9).
    const lstopo: [number, string][] = [
      [512 * 1024, '512KB'],
      [48 * 1024, '48KB'],
      [9 * 1024, '9KB'],
      [2 ** 20, '1024KB'],
      [1536 * 1024, '1536KB'],
      [9 * 2 ** 20, '9216KB'],
      [10239 * 1024, '10239KB'],
      [10 * 2 ** 20, '10MB'],
      [32e6, '31MB'],
      [532676608, '508MB'],
      [9 * 2 ** 30, '9216MB'],
      [10 * 2 ** 30, '10GB'],
    ];
    for (const [bytes, text] of lstopo) expect(lstopoCacheSize(bytes), String(bytes)).toBe(text);
    expect(cacheBarLabels({ level: 2, type: 'unified', sizeBytes: 2 ** 20 }, 3)).toEqual({ labelL: 'L2 L#3 (1024KB)', labelP: 'L2 (1024KB)' });
  });

  it('the drawing labels the bars so', () => {
    const els = new Map(projectWorkspace(labX86Workspace()).elements.map((e) => [e.data.id!, e.data]));
    expect(els.get('cache:L2:1')).toMatchObject({ labelL: 'L2 L#1 (1024KB)', labelP: 'L2 (1024KB)' });
    expect(els.get('cache:L3:0')).toMatchObject({ labelL: 'L3 L#0 (32MB)', labelP: 'L3 (32MB)' });
  });

  it('widens the cores of a one-thread-per-core host for a bar over one core to hold its label, as lstopo widens its boxes', () => {
    const x86 = labX86Workspace(); // SMT1, an L2 per core
    const l = layoutWorkspace(x86);
    const bar = l.rects.get('cache:L2:1')!;
    expect(bar.w).toBeGreaterThanOrEqual(cacheBarLabels(l.caches.get('cache:L2:1')!.level, 1).labelL.length * 6);
    expect(l.rects.get('core:1')!.w).toBe(bar.w);
    // Hidden caches, or SMT4 cores wide enough already: the cores keep their own width.
    expect(layoutWorkspace(x86, { caches: false, io: true }).rects.get('core:1')!.w).toBeLessThan(bar.w);
    const seed = layoutWorkspace(seedWorkspace());
    expect(seed.rects.get('core:0')!.w).toBe(layoutWorkspace(seedWorkspace(), { caches: false, io: true }).rects.get('core:0')!.w);
  });
});
