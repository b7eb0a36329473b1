import type { Component, Simulation } from '../core';
import type { MhiController as MhiControllerSpec } from '../../../src-common/workspace/devices/mhi';
import { MhiController, type MhiControllerSnapshot } from './controller';
import { mhiTiming } from './params';
import { UciDriver } from './uci-driver';

export interface MhiSubsystemSnapshot {
  controllers: MhiControllerSnapshot[];
  /** UCI nodes that exist now, e.g. /dev/mhi_mhi0_LOOPBACK. */
  nodes: string[];
}

/**
 * Every MHI controller of a workspace (`devices.mhi`) as one simulation component: one UCI
 * driver shared by all controllers (one IDR of minors, as in the kernel), each controller
 * powered up (RESET → READY → M0, LOOPBACK probed) when the simulation starts.
 *
 *   const mhi = sim.add(new MhiSubsystem(ws.devices.mhi));
 *   sim.start(); … mhi.driver.open('/dev/mhi_mhi0_LOOPBACK') …
 */
export class MhiSubsystem implements Component {
  readonly name = 'mhi';
  controllers: MhiController[] = [];
  driver!: UciDriver;

  constructor(private readonly specs: readonly MhiControllerSpec[]) {}

  connect(sim: Simulation): void {
    const t = mhiTiming(sim.params);
    this.driver = new UciDriver(sim, t);
    this.controllers = this.specs.map((s) => {
      const c = new MhiController(sim, { name: s.name, pcieGen: s.pcieGen, pcieWidth: s.pcieWidth, ringSize: s.ringSize, mtu: s.mtu }, t);
      c.registerDriver(this.driver);
      return c;
    });
  }

  start(): void {
    for (const c of this.controllers) c.powerUp();
  }

  controller(name: string): MhiController | undefined {
    return this.controllers.find((c) => c.name === name);
  }

  snapshot(): MhiSubsystemSnapshot {
    return { controllers: this.controllers.map((c) => c.snapshot()), nodes: this.driver?.paths ?? [] };
  }
}
