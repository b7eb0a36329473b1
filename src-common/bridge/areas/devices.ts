import { z } from 'zod';
import { quote } from '../../parse/quote';
import { LIMITS, atMost } from '../../parse/limits';
import { parseDuration, SEC } from '../../parse/duration';
import { parseSize } from '../../parse/size';
import { workspaceSchema } from '../../workspace';
import { area, method } from '../define';

/**
 * The Devices view's part of the bridge (src-renderer/devices). The request carries the
 * renderer's current document, so unsaved edits are what runs. Handler:
 * src-main/host/server/handlers/devices.ts.
 */

/** One exported dma-buf (DmabufModel.snapshot().buffers[i]: the engine returns this type). */
export interface DevicesDmabufBuffer {
  /** The exporter's name in devices.dmabuf.exporters. */
  name: string;
  /** The exporter as the kernel names it (e.g. "system_heap"). */
  exporter: string;
  kind: string;
  /** The dma_buf's name. */
  buffer: string;
  size: number;
  refcount: number;
  /** Devices attached to the buffer. */
  attachments: string[];
  /** The exclusive fence's name, suffixed " (signalled)" once signalled; null if none. */
  exclusiveFence: string | null;
  sharedFences: number;
  frames: number;
}

/** One importer (DmabufModel.snapshot().importers[i]). */
export interface DevicesDmabufImporter {
  name: string;
  kind: string;
  source: string | null;
  mapped: boolean;
  segments: number;
  /** Why the import failed, as the kernel log says it. */
  error: string | null;
  framesConsumed: number;
}

/** One transfer ring (also the engine's MhiController snapshot of it). */
export interface DevicesMhiRing {
  channel: number;
  state: string;
  rp: number;
  wp: number;
  free: number;
  doorbells: number;
}

export interface DevicesMhiController {
  name: string;
  socket: number;
  state: string;
  /** Descriptors per transfer ring (from the workspace). */
  ringSize: number;
  /** Link data bandwidth per direction, MB/s (10^6 bytes). */
  linkMBps: number;
  device: string | null;
  ul: DevicesMhiRing | null;
  dl: DevicesMhiRing | null;
  irqs: number;
  events: number;
  eventRingFullStalls: number;
}

/**
 * A loopback client on one controller's LOOPBACK node (`loopback` in the request); also the
 * engine's MhiSubsystem snapshot of it (one declaration for both sides).
 */
export interface DevicesMhiClient {
  controller: string;
  path: string;
  bytesToWrite: number;
  /** Bytes the driver accepted into the UL ring so far. */
  bytesWritten: number;
  bytesRead: number;
  /** Writes that found no free UL descriptor and slept. */
  ringFullStalls: number;
  /** Read throughput so far, MB/s (10^6 bytes) of simulated time. */
  throughputMBps: number;
  /** Both threads finished and the file was released. */
  done: boolean;
  errors: string[];
}

export interface DevicesSnapshot {
  /** Simulated time the models ran, ns. */
  afterNs: number;
  dmabuf: { buffers: DevicesDmabufBuffer[]; importers: DevicesDmabufImporter[] };
  mhi: { controllers: DevicesMhiController[]; nodes: string[]; clients: DevicesMhiClient[] };
  /** The kernel log of the run (Linux printk format). */
  log: string;
}

/** The longest run one request may ask for: bounds the work a request can cause. */
export const DEVICES_MAX_AFTER_NS = SEC;
/** What `after` defaults to: long enough for power-up and imports. */
export const DEVICES_DEFAULT_AFTER = '10ms';
/** The most loopback traffic one request may ask for, per controller. */
export const DEVICES_MAX_LOOPBACK_BYTES = LIMITS.loopbackBytes.value;
/** What the Devices view asks for by default: enough to see the rings work (about 1 ms at Gen3 x4). */
export const DEVICES_DEFAULT_LOOPBACK = '4M';


/** A duration string in ns within 0..DEVICES_MAX_AFTER_NS, or undefined. */
export function devicesAfterNs(s: string): number | undefined {
  try {
    const ns = parseDuration(s);
    return ns >= 0 && ns <= DEVICES_MAX_AFTER_NS ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** A size string ("4M") in bytes within 0..DEVICES_MAX_LOOPBACK_BYTES, or undefined. */
export function devicesLoopbackBytes(s: string): number | undefined {
  try {
    const n = parseSize(s);
    return n >= 0 && n <= DEVICES_MAX_LOOPBACK_BYTES ? n : undefined;
  } catch {
    return undefined;
  }
}

const loopback = z
  .string()
  .refine((s) => devicesLoopbackBytes(s) !== undefined, { error: (iss) => `expected a size 0..64M such as "4M", got ${quote(iss.input)}` });

const after = z
  .string()
  .refine((s) => devicesAfterNs(s) !== undefined, { error: (iss) => `expected a duration 0..1s such as "10ms", got ${quote(iss.input)}` });

export const devicesArea = area({
  methods: {
    /**
     * Runs the document's dma-buf and MHI models for `after` (default "10ms", at most "1s") and
     * returns their state. `loopback` (default "0", at most "64M"): a client on each MHI
     * controller's LOOPBACK node writes that many bytes from M0 on and reads them back.
     */
    'devices.snapshot': method<DevicesSnapshot>()(
      z.strictObject({ document: workspaceSchema, after: after.optional(), loopback: loopback.optional() }).superRefine((a, ctx) => {
        // Every byte is simulated transfers on each controller: the sum is what costs.
        const each = a.loopback === undefined ? 0 : (devicesLoopbackBytes(a.loopback) ?? 0);
        const n = a.document.devices.mhi.length;
        if (each * n > LIMITS.loopbackBytes.value)
          ctx.addIssue({ code: 'custom', path: ['loopback'], message: `${a.loopback} on each of ${n} MHI controllers is ${each * n} bytes; ${atMost('loopbackBytes')} in all` });
      }),
    ),
  },
  events: {},
});
