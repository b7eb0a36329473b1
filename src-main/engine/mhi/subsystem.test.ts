import { describe, expect, it } from 'vitest';
import { Simulation } from '../core';
import { MhiSubsystem } from './subsystem';
import { UciFile } from './uci-file';

describe('MhiSubsystem', () => {
  it('powers up every workspace controller with one shared UCI driver', () => {
    const sim = new Simulation({ seed: 1 });
    const mhi = sim.add(
      new MhiSubsystem([
        { name: 'mhi0', socket: 0, pcieGen: 3, pcieWidth: 1, ringSize: 16, mtu: 0x1000 },
        { name: 'sdx55', socket: 1, pcieGen: 4, pcieWidth: 2, ringSize: 64, mtu: 2048 },
      ]),
    );
    sim.start();
    sim.runUntil(Infinity);
    const snap = mhi.snapshot();
    expect(snap.nodes).toEqual(['/dev/mhi_mhi0_LOOPBACK', '/dev/mhi_sdx55_LOOPBACK']);
    expect(snap.controllers.map((c) => [c.name, c.state, c.ul?.free])).toEqual([
      ['mhi0', 'M0', 15],
      ['sdx55', 'M0', 63],
    ]);
    expect(sim.log.format()).toContain('mhi_uci sdx55_LOOPBACK: probed uci dev: minor 1');
    const open = mhi.driver.open('/dev/mhi_sdx55_LOOPBACK');
    sim.runUntil(Infinity);
    const f = open.result as UciFile;
    expect(f).toBeInstanceOf(UciFile);
    expect([f.udev.mtu, f.udev.actualMtu, f.udev.minor]).toEqual([2048, 2016, 1]);
  });
});
