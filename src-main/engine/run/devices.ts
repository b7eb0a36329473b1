/**
 * The device simulations of a workspace, one builder each: its AI Engine array (`aie dump`,
 * the AI Engine view, a run's final AIE images), its dma-buf devices (`dmabuf show`) and all
 * of its devices together (the Devices view). Each is independent of the host model: its own
 * Simulation and PRNG streams, and only the parameters of the models it runs taken from the
 * workspace (a host-model override such as `host.hz` neither applies nor is checked here).
 *
 * The builders return the simulation with its components added, not started: callers start
 * or run it for as long as they need. A bad parameter throws the registry's ParamError (naming
 * the key and its range); callers name the field in their own terms.
 */
import type { Workspace } from '../../../src-common/workspace';
import { Simulation } from '../core';
import { AieModel } from '../aie';
import { DmabufModel } from '../dmabuf';
import { MhiSubsystem } from '../mhi';
import { resolveParams, type ModelParams } from '../params';

export type DeviceModel = 'aie' | 'dmabuf' | 'mhi';

/** Defaults, with the workspace's overrides of the `models`' parameters (`aie.*`, …). */
export function deviceParams(ws: Workspace, models: readonly DeviceModel[]): ModelParams {
  const prefixes = models.map((m) => `${m}.`);
  return resolveParams(Object.fromEntries(Object.entries(ws.params).filter(([k]) => prefixes.some((p) => k.startsWith(p)))));
}

/** The workspace's AI Engine array; throws if it has none (`devices.aie` is null). */
export function buildAieSimulation(ws: Workspace, seed: number): { sim: Simulation; aie: AieModel } {
  if (!ws.devices.aie) throw new Error('the workspace has no AI Engine array (devices.aie is null)');
  const sim = new Simulation({ seed, params: deviceParams(ws, ['aie']) });
  return { sim, aie: sim.add(new AieModel(sim, ws.devices.aie)) };
}

/** Does a dma-buf exporter export AI Engine memory (so the dma-buf model needs the array)? */
function dmabufNeedsAie(ws: Workspace): boolean {
  return ws.devices.aie !== null && ws.devices.dmabuf.exporters.some((e) => e.kind === 'aie');
}

/** The workspace's dma-buf exporters and importers, with the AI Engine array if they export its memory. */
export function buildDmabufSimulation(ws: Workspace, seed: number): { sim: Simulation; aie?: AieModel; dmabuf: DmabufModel } {
  const needsAie = dmabufNeedsAie(ws);
  const sim = new Simulation({ seed, params: deviceParams(ws, needsAie ? ['dmabuf', 'aie'] : ['dmabuf']) });
  const aie = needsAie ? sim.add(new AieModel(sim, ws.devices.aie!)) : undefined;
  return { sim, aie, dmabuf: sim.add(new DmabufModel(sim, ws.devices.dmabuf, aie)) };
}

/**
 * Every device of the workspace: the dma-buf model (with the AI Engine array if it exports
 * its memory) and the MHI controllers, each with a loopback client of `loopbackBytes` (0: none).
 */
export function buildDevicesSimulation(ws: Workspace, seed: number, loopbackBytes = 0): { sim: Simulation; aie?: AieModel; dmabuf: DmabufModel; mhi: MhiSubsystem } {
  const needsAie = dmabufNeedsAie(ws);
  const sim = new Simulation({ seed, params: deviceParams(ws, needsAie ? ['dmabuf', 'aie', 'mhi'] : ['dmabuf', 'mhi']) });
  const aie = needsAie ? sim.add(new AieModel(sim, ws.devices.aie!)) : undefined;
  const dmabuf = sim.add(new DmabufModel(sim, ws.devices.dmabuf, aie));
  return { sim, aie, dmabuf, mhi: sim.add(new MhiSubsystem(ws.devices.mhi, loopbackBytes)) };
}
