import type { devicesArea, DevicesSnapshot } from '../../../../src-common/bridge/areas/devices';
import { DEVICES_DEFAULT_AFTER, devicesAfterNs, devicesLoopbackBytes } from '../../../../src-common/bridge/areas/devices';
import type { AreaHandlers } from '../../../../src-common/bridge';
import { FieldError } from '../../../../src-common/parse/field-error';
import type { Workspace } from '../../../../src-common/workspace';
import { ParamError } from '../../../engine/core';
import { DmabufError } from '../../../engine/dmabuf';
import { buildDevicesSimulation } from '../../../engine/run/devices';
import type { HandlerDeps } from './deps';
import { inlineJobs } from '../../run/job-pool';

const PREFIX = 'devices.snapshot';

/**
 * Runs the document's dma-buf (with the AIE array its aie exporters need) and MHI models for
 * `afterNs`, with a loopback client of `loopbackBytes` on each MHI controller (0: none).
 */
export function devicesSnapshot(doc: Workspace, afterNs: number, loopbackBytes = 0): DevicesSnapshot {
  let built;
  try {
    built = buildDevicesSimulation(doc, 1, loopbackBytes);
  } catch (e) {
    if (e instanceof ParamError) throw new FieldError(`${PREFIX}.document.params`, e.message);
    throw e;
  }
  const { sim, dmabuf, mhi } = built;
  try {
    sim.runUntil(afterNs);
  } catch (e) {
    // A device the model refuses (e.g. an aie exporter's memory) is the document's fault.
    if (e instanceof DmabufError) throw new FieldError(`${PREFIX}.document.devices.dmabuf`, e.message);
    throw e;
  }
  const specs = new Map(doc.devices.mhi.map((m) => [m.name, m]));
  const m = mhi.snapshot();
  return {
    afterNs,
    dmabuf: dmabuf.snapshot(),
    mhi: {
      controllers: m.controllers.map((c) => ({ ...c, socket: specs.get(c.name)!.socket, ringSize: specs.get(c.name)!.ringSize })),
      nodes: m.nodes,
      clients: m.clients,
    },
    log: sim.log.format(),
  };
}

/** The models run in a job thread (host/run/job-pool.ts). */
export function devicesHandlers({ jobs = inlineJobs }: HandlerDeps): AreaHandlers<typeof devicesArea> {
  return {
    'devices.snapshot': ({ document, after, loopback }, ctx) =>
      jobs.run(
        'devices.snapshot',
        { doc: document, afterNs: devicesAfterNs(after ?? DEVICES_DEFAULT_AFTER)!, loopbackBytes: loopback === undefined ? 0 : devicesLoopbackBytes(loopback)! },
        ctx.signal,
      ),
  };
}
