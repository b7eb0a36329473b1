import { describe, expect, it } from 'vitest';
import { MS, Simulation } from '../core';
import { AieModel } from '../aie/model';
import { dmabufSchema } from '../../../src-common/workspace/devices/dmabuf';
import { DmabufModel } from './model';

describe('DmabufModel (devices.dmabuf of a workspace)', () => {
  it('exports, imports and streams camera frames to a display; an AIE map fails with the seed warning', () => {
    const sim = new Simulation({ seed: 1 });
    const aie = sim.add(new AieModel(sim, { columns: 4, rows: 3, partitions: [{ name: 'p0', startCol: 1, numCols: 2 }] }));
    const devices = dmabufSchema.parse({
      exporters: [
        { name: 'cam', kind: 'camera', sizeBytes: 65536 },
        { name: 'heap', kind: 'system-heap', sizeBytes: 1048576 },
        { name: 'aie-data', kind: 'aie', partition: 'p0', memory: 'data' },
      ],
      importers: [
        { name: 'lcd', kind: 'display', source: 'cam' },
        { name: 'lcd2', kind: 'display', source: 'heap' },
        { name: 'gpu0', kind: 'gpu', source: 'aie-data' },
        { name: 'aie0', kind: 'aie', source: 'heap' },
      ],
    });
    const model = sim.add(new DmabufModel(sim, devices, aie));
    sim.runUntil(100 * MS);
    const snap = model.snapshot();
    const imp = Object.fromEntries(snap.importers.map((i) => [i.name, i]));
    expect(imp.lcd).toMatchObject({ mapped: true, segments: 1, error: null });
    expect(imp.lcd.framesConsumed).toBe(5); // 60 fps for 100 ms
    expect(imp.lcd2.error).toMatch(/buffer chunks must be mapped contiguously/);
    expect(imp.gpu0.error).toMatch(/^ENOMEM/);
    expect(imp.aie0.mapped).toBe(true);
    expect(sim.log.format()).toContain('gpu0: AI engine memory map dma buf is not implemented.');
    const aieBuf = snap.buffers.find((b) => b.name === 'aie-data')!;
    expect(aieBuf.size).toBe(32 * 1024 * 2 * 2);
    expect(snap.buffers.find((b) => b.name === 'heap')!.attachments).toEqual(['aie0']);
  });

  it('an aie exporter without that partition is an error naming the field', () => {
    const sim = new Simulation({ seed: 1 });
    const devices = dmabufSchema.parse({ exporters: [{ name: 'x', kind: 'aie', partition: 'nope', memory: 'program' }], importers: [] });
    sim.add(new DmabufModel(sim, devices));
    expect(() => sim.runUntil(0)).toThrow(/devices\.dmabuf\.exporters\[0\]\.partition: no AIE partition named 'nope'/);
  });
});
