import type { Simulation } from '../core';
import { MhiController } from './controller';
import { LOOPBACK_MTU } from './errno';
import { mhiTiming, type MhiTiming } from './params';
import { UciDriver } from './uci-driver';

export interface LoopbackSystemConfig {
  name?: string;
  pcieGen?: number;
  pcieWidth?: number;
  ringSize?: number;
  /** LOOPBACK driver_data (max MTU); the seed's is 0x1000. */
  mtu?: number;
}

export interface LoopbackSystem {
  sim: Simulation;
  t: MhiTiming;
  ctrl: MhiController;
  drv: UciDriver;
  /** /dev/mhi_<controller>_LOOPBACK */
  path: string;
}

/**
 * A controller with the UCI driver registered, still in RESET: call `ctrl.powerUp()` and run
 * the simulation to reach M0 with the node probed. One workspace MHI controller maps to one.
 */
export function createLoopbackSystem(sim: Simulation, c: LoopbackSystemConfig = {}): LoopbackSystem {
  const t = mhiTiming(sim.params);
  const ctrl = new MhiController(sim, { name: c.name ?? 'mhi0', pcieGen: c.pcieGen ?? 3, pcieWidth: c.pcieWidth ?? 1, ringSize: c.ringSize ?? 32 }, t);
  const drv = new UciDriver(sim, t, c.mtu ?? LOOPBACK_MTU);
  ctrl.registerDriver(drv);
  return { sim, t, ctrl, drv, path: `/dev/mhi_${ctrl.name}_LOOPBACK` };
}
