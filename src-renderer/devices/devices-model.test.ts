import { describe, expect, it } from 'vitest';
import type { DevicesDmabufBuffer, DevicesDmabufImporter } from '../../src-common/bridge/areas/devices';
import { dmabufGraph, fenceShort, fenceState, markerLabels, ringView, sizeText } from './devices-model';

const buf = (o: Partial<DevicesDmabufBuffer> = {}): DevicesDmabufBuffer => ({
  name: 'heap0',
  exporter: 'system_heap',
  kind: 'system-heap',
  buffer: 'heap0:1',
  size: 1 << 20,
  refcount: 1,
  attachments: [],
  exclusiveFence: null,
  sharedFences: 0,
  frames: 0,
  ...o,
});
const imp = (o: Partial<DevicesDmabufImporter> = {}): DevicesDmabufImporter => ({
  name: 'disp0',
  kind: 'display',
  source: 'heap0',
  mapped: true,
  segments: 1,
  error: null,
  framesConsumed: 0,
  ...o,
});

describe('fence state', () => {
  it('reads none, pending and signalled exclusive fences and the shared count', () => {
    expect(fenceState(buf())).toEqual({ exclusive: 'none', exclusiveName: null, shared: 0 });
    expect(fenceState(buf({ exclusiveFence: 'cam0:3', sharedFences: 2 }))).toEqual({ exclusive: 'pending', exclusiveName: 'cam0:3', shared: 2 });
    expect(fenceState(buf({ exclusiveFence: 'cam0:3 (signalled)' }))).toMatchObject({ exclusive: 'signalled', exclusiveName: 'cam0:3' });
  });
});

describe('dma-buf graph', () => {
  it('puts exporters, buffers and importers in three columns with edges between them', () => {
    const g = dmabufGraph([buf()], [imp(), imp({ name: 'gpu0', kind: 'gpu', mapped: false, error: 'EINVAL: nope' }), imp({ name: 'idle', source: null, mapped: false })]);
    expect(g.nodes.map((n) => n.id)).toEqual(['exp:heap0', 'buf:heap0', 'imp:disp0', 'imp:gpu0', 'imp:idle']);
    const xs = new Set(g.nodes.map((n) => n.x));
    expect(xs.size).toBe(3);
    expect(g.edges).toEqual([
      { from: 'exp:heap0', to: 'buf:heap0', broken: false },
      { from: 'buf:heap0', to: 'imp:disp0', broken: false },
      { from: 'buf:heap0', to: 'imp:gpu0', broken: true },
    ]);
    expect(g.nodes.find((n) => n.id === 'imp:gpu0')!.label).toContain('import failed: EINVAL: nope');
    for (const n of g.nodes) expect(n.x + 190).toBeLessThanOrEqual(g.width);
    expect(Math.max(...g.nodes.map((n) => n.y + 44))).toBeLessThanOrEqual(g.height);
  });
});

describe('ring view', () => {
  it('spans RP..WP, wrapping past the end', () => {
    expect(ringView({ rp: 0, wp: 0 }, 8, 'UL')).toMatchObject({ used: 0, spans: [] });
    expect(ringView({ rp: 2, wp: 6 }, 8, 'UL')).toMatchObject({ used: 4, spans: [[0.25, 0.75]] });
    expect(ringView({ rp: 6, wp: 2 }, 8, 'UL')).toMatchObject({ used: 4, spans: [[0.75, 1], [0, 0.25]] });
    expect(ringView({ rp: 6, wp: 0 }, 8, 'DL').label).toBe('DL ring: 8 slots, RP 6, WP 0, 2 outstanding, 5 free');
  });
  it('sizes', () => {
    expect(sizeText(1 << 20)).toBe('1 MiB');
    expect(sizeText(4096)).toBe('4 KiB');
    expect(sizeText(1000)).toBe('1000 B');
  });
});

describe('fence text', () => {
  it('has a short form for the drawing', () => {
    expect(fenceShort(fenceState(buf({ exclusiveFence: 'cam0:1', sharedFences: 2 })))).toBe('excl pending · 2 shared');
  });
});

describe('ring marker labels', () => {
  it('puts the left marker label left and the right one right, inside the bar, never overlapping', () => {
    for (const [rp, wp] of [[0, 0], [0, 260], [260, 0], [130, 131], [131, 130], [259, 260], [5, 7]]) {
      const l = markerLabels(rp, wp, 260);
      expect(l.right - l.left).toBeGreaterThanOrEqual(2);
      expect(l.left).toBeGreaterThanOrEqual(16);
      expect(l.right).toBeLessThanOrEqual(244);
      expect([l.leftName, l.rightName].sort()).toEqual(['RP', 'WP']);
    }
    expect(markerLabels(200, 50, 260)).toEqual({ left: 48, leftName: 'WP', right: 202, rightName: 'RP' });
  });
});
