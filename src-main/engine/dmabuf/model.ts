import type { Component, Simulation } from '../core';
import type { DmabufDevices } from '../../../src-common/workspace/devices/dmabuf';
import type { AiePartition } from '../aie/partition';
import { aiePartitionMemory, exportAieMemory } from './aie-exporter';
import type { DmaBuf, DmaDirection } from './buffer';
import { CameraProducer } from './camera';
import { DmabufError } from './errors';
import { Importer, type Import } from './importers';
import { SystemHeap } from './system-heap';
import type { DevicesDmabufBuffer, DevicesDmabufImporter } from '../../../src-common/bridge/areas/devices';

/** The AIE model's partitions by name (AieModel.partitions), filled before this model's init. */
export interface AiePartitions {
  readonly partitions: ReadonlyMap<string, AiePartition>;
}

interface ExporterState {
  name: string;
  kind: string;
  buf: DmaBuf;
  camera?: CameraProducer;
  frames: number;
}

interface ImporterState {
  importer: Importer;
  source?: string;
  imp: Import | null;
  /** Why the import failed, as the kernel log says it. */
  error: string | null;
  framesConsumed: number;
}

/** Direction an importer maps its source with: a display scans out (reads); the others read and write. */
const directionOf = (kind: string): DmaDirection => (kind === 'display' ? 'to-device' : 'bidirectional');

/**
 * The workspace's dma-buf devices (devices.dmabuf) as a simulation component. init exports
 * one buffer per exporter (an aie exporter exports its partition's memory of that type, so
 * the AIE model must be added first); start imports each importer's `source` (attach + map;
 * a refusal such as the AIE map warning or a display's contiguity check is logged, not fatal)
 * and starts the cameras, which capture frames back to back; an importer fed by a camera
 * consumes each frame once its exclusive fence signals.
 */
export class DmabufModel implements Component {
  readonly name = 'dmabuf';
  private readonly exporters = new Map<string, ExporterState>();
  private readonly importers: ImporterState[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly devices: DmabufDevices,
    private readonly aie?: AiePartitions,
  ) {}

  init(): void {
    this.devices.exporters.forEach((e, i) => {
      const field = `devices.dmabuf.exporters[${i}]`;
      let state: ExporterState;
      if (e.kind === 'aie') {
        const part = this.aie?.partitions.get(e.partition ?? '');
        if (!part) throw new DmabufError('EINVAL', `${field}.partition: no AIE partition named '${e.partition}'`);
        const mem = part.memories().find((m) => m.kind === e.memory);
        if (!mem) throw new DmabufError('EINVAL', `${field}.memory: partition '${e.partition}' has no ${e.memory} memory`);
        state = { name: e.name, kind: e.kind, buf: exportAieMemory(this.sim, aiePartitionMemory(mem)), frames: 0 };
      } else if (e.kind === 'camera') {
        const camera = new CameraProducer(this.sim, e.name);
        state = { name: e.name, kind: e.kind, buf: camera.allocate(e.sizeBytes ?? 0), camera, frames: 0 };
      } else {
        state = { name: e.name, kind: e.kind, buf: new SystemHeap(this.sim, e.name).allocate(e.sizeBytes ?? 0), frames: 0 };
      }
      this.exporters.set(e.name, state);
    });
    for (const m of this.devices.importers) this.importers.push({ importer: new Importer(m.name, m.kind), source: m.source, imp: null, error: null, framesConsumed: 0 });
  }

  start(): void {
    for (const st of this.importers) {
      const src = st.source === undefined ? undefined : this.exporters.get(st.source);
      if (!src) continue;
      try {
        st.imp = st.importer.import(src.buf, directionOf(st.importer.kind));
      } catch (e) {
        if (!(e instanceof DmabufError)) throw e;
        st.error = e.message;
        this.sim.printk(`dma-buf: ${st.importer.name}: import of ${src.name} failed: ${e.message}`);
      }
    }
    for (const ex of this.exporters.values()) if (ex.camera) this.captureLoop(ex);
  }

  /** Captures frame after frame into the camera's buffer; importers of it consume each one. */
  private captureLoop(ex: ExporterState): void {
    const camera = ex.camera!;
    const consumers = this.importers.filter((st) => st.source === ex.name && st.imp);
    const next = (): void => {
      const frameNo = ex.frames;
      const fence = camera.capture(ex.buf, frameNo);
      if (fence === 'EBUSY') return; // nobody else reserves these buffers in a workspace run
      fence.get();
      fence.wait(() => {
        ex.frames++;
        for (const c of consumers) c.framesConsumed++;
        this.sim.trace.emit(this.sim.now, 'dmabuf.frame', { exporter: ex.name, frame: frameNo, consumers: consumers.length });
        fence.put();
        next();
      });
    };
    next();
  }

  /** Plain data for views and reports. */
  snapshot(): { buffers: DevicesDmabufBuffer[]; importers: DevicesDmabufImporter[] } {
    return {
      buffers: [...this.exporters.values()].map((e) => ({
        name: e.name,
        exporter: e.buf.exporter,
        kind: e.kind,
        buffer: e.buf.name,
        size: e.buf.size,
        refcount: e.buf.refcount,
        attachments: e.buf.attachments.map((a) => a.device.name),
        exclusiveFence: e.buf.resv.fenceExcl ? `${e.buf.resv.fenceExcl.name}${e.buf.resv.fenceExcl.signaled ? ' (signalled)' : ''}` : null,
        sharedFences: e.buf.resv.fenceShared.length,
        frames: e.frames,
      })),
      importers: this.importers.map((st) => ({
        name: st.importer.name,
        kind: st.importer.kind,
        source: st.source ?? null,
        mapped: st.imp !== null,
        segments: st.imp?.sg.length ?? 0,
        error: st.error,
        framesConsumed: st.framesConsumed,
      })),
    };
  }
}
