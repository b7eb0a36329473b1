import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkspace, type Workspace } from '../../../src-common/workspace';
import { MS, ParamError } from '../core';
import { buildAieSimulation, buildDevicesSimulation, buildDmabufSimulation, deviceParams } from './devices';

const load = (name: string) => parseWorkspace(JSON.parse(fs.readFileSync(new URL(`../../../resources/workspaces/${name}.json`, import.meta.url), 'utf8')));

describe('device simulation builders', () => {
  it('take only the running models\' parameters from the workspace', () => {
    const ws: Workspace = { ...load('aie-demo'), params: { 'aie.clockHz': 2e9, 'host.hz': -5, 'mhi.dev.treNs': 'x' } };
    expect(deviceParams(ws, ['aie']).get('aie.clockHz')).toBe(2e9);
    expect(() => deviceParams(ws, ['aie', 'mhi'])).toThrow(ParamError);
    expect(() => deviceParams(ws, ['aie', 'mhi'])).toThrow('mhi.dev.treNs: expected a number from 0 to 1000000 (ns), got "x"');
    const { sim } = buildAieSimulation(ws, 1);
    expect(sim.params.get('aie.clockHz')).toBe(2e9);
  });

  it('build the AI Engine alone, refusing a workspace without one', () => {
    const { sim, aie } = buildAieSimulation(load('aie-demo'), 3);
    expect(sim.seed).toBe(3);
    sim.runUntil(MS);
    expect(aie.array.columns).toBeGreaterThan(0);
    expect(() => buildAieSimulation(load('seed-power9-ipi'), 1)).toThrow('the workspace has no AI Engine array');
  });

  it('add the AI Engine to a dma-buf simulation only when an exporter exports its memory', () => {
    const demo = load('devices-demo');
    expect(buildDmabufSimulation(demo, 1).aie).toBeDefined();
    const noAieExport = { ...demo, devices: { ...demo.devices, dmabuf: { ...demo.devices.dmabuf, exporters: demo.devices.dmabuf.exporters.filter((e) => e.kind !== 'aie'), importers: [] } } };
    expect(buildDmabufSimulation(noAieExport, 1).aie).toBeUndefined();
    const all = buildDevicesSimulation(demo, 1, 4096);
    expect(all.aie).toBeDefined();
    all.sim.runUntil(10 * MS);
    expect(all.mhi.snapshot().controllers.length).toBe(demo.devices.mhi.length);
    expect(all.dmabuf.snapshot().buffers.map((b) => b.name)).toEqual(demo.devices.dmabuf.exporters.map((e) => e.name));
  });
});
