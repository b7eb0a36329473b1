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

describe('MhiSubsystem loopback clients', () => {
  const spec = { name: 'mhi0', socket: 0, pcieGen: 3, pcieWidth: 1 as const, ringSize: 8, mtu: 0x1000 };

  it('echoes every byte through the rings, stalling on the small UL ring', () => {
    const sim = new Simulation({ seed: 1 });
    const mhi = sim.add(new MhiSubsystem([spec], 256 * 1024));
    sim.start();
    sim.runUntil(Infinity);
    const [c] = mhi.snapshot().clients;
    expect(c).toMatchObject({ controller: 'mhi0', path: '/dev/mhi_mhi0_LOOPBACK', bytesToWrite: 262144, bytesWritten: 262144, bytesRead: 262144, done: true, errors: [] });
    expect(c!.ringFullStalls).toBeGreaterThan(0);
    expect(c!.throughputMBps).toBeGreaterThan(0);
    // Released: the channels are back to where the driver left them and the node is still there.
    expect(mhi.snapshot().nodes).toEqual(['/dev/mhi_mhi0_LOOPBACK']);
  });

  it('mid-transfer, the rings hold outstanding descriptors and the client is not done', () => {
    const sim = new Simulation({ seed: 1 });
    const mhi = sim.add(new MhiSubsystem([spec], 4 << 20));
    sim.start();
    sim.runUntil(4_000_000); // M0 at ~2.05 ms; 4 MiB over Gen3 x1 takes over 4 ms more
    const s = mhi.snapshot();
    const c = s.clients[0]!;
    expect(c.done).toBe(false);
    expect(c.bytesRead).toBeGreaterThan(0);
    expect(c.bytesRead).toBeLessThan(4 << 20);
    expect(s.controllers[0]!.ul!.state).toBe('RUNNING');
    expect(s.controllers[0]!.ul!.doorbells).toBeGreaterThan(0);
  });

  it('without loopback bytes no client starts', () => {
    const sim = new Simulation({ seed: 1 });
    const mhi = sim.add(new MhiSubsystem([spec]));
    sim.start();
    sim.runUntil(Infinity);
    expect(mhi.snapshot().clients).toEqual([]);
  });
});
