import { describe, expect, it } from 'vitest';
import { seedWorkspace } from './dev/cases';
import { findTarget } from './find';
import { nextInDirection, type NavBox } from './keyboard';
import { wheelZoom } from './zoom';

describe('find box', () => {
  const ws = seedWorkspace();
  it('finds CPUs, vCPUs and says why not', () => {
    expect(findTarget(ws, '122')).toEqual({ id: 'pu:122', what: 'CPU 122' });
    expect(findTarget(ws, 'CPU#7')).toMatchObject({ id: 'pu:7' });
    expect(findTarget(ws, 'A:40')).toEqual({ id: 'vcpu:A:40', what: 'guest A, vCPU 40' });
    expect(findTarget(ws, 'a 3')).toMatchObject({ id: 'vcpu:A:3' });
    expect(findTarget(ws, '128')).toEqual({ error: 'No CPU 128: this host has CPUs 0-127.' });
    expect(findTarget(ws, 'Z:1')).toMatchObject({ error: expect.stringMatching(/^No guest Z/) });
    expect(findTarget(ws, '3,2')).toEqual({ error: 'This workspace has no AI Engine array.' });
  });
  it('finds a task of the shown run on its CPU, and names tasks as an option only with a run', () => {
    const tasks = (q: string) => (q === 'ksmd' || q === 'worker:19560' ? { cpu: 124, task: q === 'ksmd' ? 'ksmd:791' : q } : null);
    expect(findTarget(ws, 'ksmd', tasks)).toEqual({ id: 'pu:124', what: 'ksmd:791 on CPU 124' });
    expect(findTarget(ws, 'worker:19560', tasks)).toMatchObject({ id: 'pu:124' });
    expect(findTarget(ws, 'A:52', tasks)).toEqual({ id: 'vcpu:A:52', what: 'guest A, vCPU 52' });
    expect(findTarget(ws, 'CPU#105', tasks)).toEqual({ id: 'pu:105', what: 'CPU 105' });
    expect(findTarget(ws, 'kswapd', tasks)).toEqual({ error: '“kswapd” is not a CPU (122), a vCPU (A:40), a tile (3,2) or a task of the shown run (ksmd).' });
    expect(findTarget(ws, 'kswapd')).toEqual({ error: '“kswapd” is not a CPU (122), a vCPU (A:40) or a tile (3,2).' });
  });
});

describe('spatial keyboard navigation', () => {
  // A 3 × 2 grid of 10-wide boxes, 20 apart.
  const grid: NavBox[] = [0, 1, 2].flatMap((c) => [0, 1].map((r) => ({ id: `${c},${r}`, x: c * 20, y: r * 20, w: 10, h: 10 })));
  const at = (id: string) => grid.find((b) => b.id === id)!;
  it('goes to the nearest box that way, preferring straight over diagonal', () => {
    expect(nextInDirection(at('0,0'), 'right', grid)?.id).toBe('1,0');
    expect(nextInDirection(at('0,0'), 'down', grid)?.id).toBe('0,1');
    expect(nextInDirection(at('2,1'), 'up', grid)?.id).toBe('2,0');
    expect(nextInDirection(at('0,0'), 'left', grid)).toBeNull();
  });
});

describe('wheel zoom', () => {
  it('one notch is a 20 % step, either way, within the bounds', () => {
    expect(wheelZoom(1, -100, 0, 0.05, 4)).toBeCloseTo(1.2);
    expect(wheelZoom(1.2, 100, 0, 0.05, 4)).toBeCloseTo(1);
    expect(wheelZoom(1, -3, 1, 0.05, 4)).toBeCloseTo(1.2);
    expect(wheelZoom(3.9, -100, 0, 0.05, 4)).toBe(4);
  });
});

describe('label layer', () => {
  it('draws what Cytoscape hides, and fits a label to its box', async () => {
    const { needsLayer, fitLabel } = await import('./label-layer-fit');
    expect(needsLayer(0.5)).toBe(true);
    expect(needsLayer(1)).toBe(false);
    const w = (s: string) => s.length * 6;
    expect(fitLabel('Guest B · 4 vCPUs · 4 GiB', 200, w)).toBe('Guest B · 4 vCPUs · 4 GiB');
    expect(fitLabel('Guest B · 4 vCPUs · 4 GiB', 110, w)).toBe('Guest B · 4 vCPUs');
    expect(fitLabel('Guest B · 4 vCPUs · 4 GiB', 50, w)).toBe('Guest B');
    expect(fitLabel('Core L#12', 30, w)).toBe('L#12');
    expect(fitLabel('PU L#12', 20, w)).toBe('12');
    expect(fitLabel('PU L#1', 30, w, true)).toBe('1');
    expect(fitLabel('vCPU 40', 100, w, true)).toBe('vCPU 40');
    expect(fitLabel('Core L#12', 10, w)).toBe('');
    // A name with a trailing (…) never shrinks to a fragment of it ('modem)', 'x1)', 'GiB)'); its kind, if it names one.
    expect(fitLabel('PCI 0000:01:00.0 (MHI modem)', 60, w)).toBe('MHI modem');
    expect(fitLabel('MHI mhi0 (Gen3 x1)', 30, w)).toBe('mhi0');
    expect(fitLabel('NUMANode L#0 (512 GiB)', 30, w)).toBe('L#0');
    expect(fitLabel('Machine power9-host (1 TiB total)', 70, w)).toBe('power9-host');
    expect(fitLabel('MHI mhi0 (Gen3 x1)', 30, w, true)).toBe('mhi0');
  });

  it('shows a 3-digit CPU number in a thread box at 42 % zoom (21 × 10 px), in a smaller size', async () => {
    const { fitLabel, fitLeafLabel } = await import('./label-layer-fit');
    // DejaVu Sans (system-ui here): digits 0.636 em, letters about as wide.
    const m = (px: number, s: string) => s.length * 0.636 * px;
    const [bw, bh] = [50 * 0.42, 24 * 0.42];
    // At the one size the layer used to try (its box's height less 1), `127` does not fit the 17 px inside.
    expect(fitLabel('PU L#127', bw - 4, (s) => m(9, s), true)).toBe('');
    expect(fitLeafLabel('PU L#127', bw, bh, m)).toEqual({ label: '127', px: 8 });
    expect(fitLeafLabel('PU L#12', bw, bh, m)).toEqual({ label: '12', px: 9 });
    expect(fitLeafLabel('vCPU 40', 100, 24, m)).toEqual({ label: 'vCPU 40', px: 10 });
    // Never below 8 px: a box too small shows nothing.
    expect(fitLeafLabel('PU L#127', 14, bh, m)).toBeNull();
    expect(fitLeafLabel('PU L#1', bw, 8, m)).toBeNull();
  });
});
