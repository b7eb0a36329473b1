import type { DevicesMhiClient } from '../../../src-common/bridge/areas/devices';
import type { Component, Simulation } from '../core';
import type { MhiController as MhiControllerSpec } from '../../../src-common/workspace/devices/mhi';
import { MhiController, type MhiControllerSnapshot } from './controller';
import { LoopbackClient } from './loopback-client';
import { pseudoRandomBytes } from './loopback-run';
import { mhiTiming, type MhiTiming } from './params';
import { UciDriver } from './uci-driver';

export interface MhiSubsystemSnapshot {
  controllers: MhiControllerSnapshot[];
  /** UCI nodes that exist now, e.g. /dev/mhi_mhi0_LOOPBACK. */
  nodes: string[];
  /** The loopback clients started by `loopbackBytes`, one per controller whose node opened. */
  clients: MhiClientSnapshot[];
}

/** A loopback client's progress: the Devices view's wire type, declared once in src-common. */
export type MhiClientSnapshot = DevicesMhiClient;

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
  readonly clients = new Map<string, LoopbackClient>();
  private sim!: Simulation;
  private t!: MhiTiming;

  /**
   * `loopbackBytes` > 0: once each controller reaches M0, a client opens its LOOPBACK node and
   * writes that many pseudo-random bytes while reading them back (as `twb mhi loopback`).
   */
  constructor(
    private readonly specs: readonly MhiControllerSpec[],
    private readonly loopbackBytes = 0,
  ) {}

  connect(sim: Simulation): void {
    const t = mhiTiming(sim.params);
    this.sim = sim;
    this.t = t;
    this.driver = new UciDriver(sim, t);
    this.controllers = this.specs.map((s) => {
      const c = new MhiController(sim, { name: s.name, pcieGen: s.pcieGen, pcieWidth: s.pcieWidth, ringSize: s.ringSize, mtu: s.mtu }, t);
      c.registerDriver(this.driver);
      return c;
    });
  }

  start(): void {
    for (const c of this.controllers) {
      const up = c.powerUp();
      if (this.loopbackBytes > 0) up.whenDone((r) => r === 0 && this.startClient(c));
    }
  }

  private startClient(c: MhiController): void {
    this.driver.open(`/dev/mhi_${c.name}_LOOPBACK`).whenDone((f) => {
      if (typeof f === 'number') return;
      const data = pseudoRandomBytes(this.sim, this.loopbackBytes);
      const client = new LoopbackClient(this.sim, f, data, this.t.clientWriteBytes, this.t.clientReadBytes);
      this.clients.set(c.name, client);
      client.start();
    });
  }

  controller(name: string): MhiController | undefined {
    return this.controllers.find((c) => c.name === name);
  }

  snapshot(): MhiSubsystemSnapshot {
    const clients = [...this.clients].map(([controller, cl]) => ({
      controller,
      path: cl.file.udev.path,
      bytesToWrite: cl.data.length,
      bytesWritten: cl.file.udev.stats.ulBytesQueued,
      bytesRead: cl.bytesRead,
      ringFullStalls: cl.file.udev.stats.ulStalls,
      throughputMBps: Math.round(cl.throughputMBps * 10) / 10,
      done: cl.done,
      errors: [...cl.errors],
    }));
    return { controllers: this.controllers.map((c) => c.snapshot()), nodes: this.driver?.paths ?? [], clients };
  }
}
