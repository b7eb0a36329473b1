import { Simulation } from '../core';
import { resolveParams, type ModelParams } from '../params';
import { LoopbackClient } from './loopback-client';
import { createLoopbackSystem } from './system';

export interface LoopbackOptions {
  /** Bytes the client writes. */
  bytes: number;
  /** The LOOPBACK channel's MTU (the match table's driver_data; the seed uses 0x1000). */
  mtu: number;
  /** Descriptors per transfer ring. */
  ring: number;
  seed: number;
  /** Inject `fault` once the client's writes have passed this fraction of `bytes` (0..1). */
  removeAt?: number;
  /** What happens at `removeAt`: hot removal (default) or the device entering SYS_ERR. */
  fault?: 'remove' | 'sys_err';
  controller?: string;
  pcieGen?: number;
  pcieWidth?: number;
  params?: ModelParams;
  /** Called with each chunk the client reads, in order (views: consume before returning). */
  onRead?: (chunk: Uint8Array) => void;
}

export interface LoopbackResult {
  path: string;
  /** Bytes the driver accepted into the UL ring (the prefix of `data` that left the client). */
  bytesWritten: number;
  bytesRead: number;
  /** Bytes the device echoed into DL buffers (read + unread when the run ended). */
  bytesEchoed: number;
  /** Simulated read throughput, 10^6 bytes per simulated second. */
  throughputMBps: number;
  ringFullStalls: number;
  enodevSeen: boolean;
  /** Simulated ns from the first write to the last successful read. */
  transferNs: number;
  /** Everything the client meant to write; `data.subarray(0, bytesWritten)` was written. */
  data: Uint8Array;
  /** Echoed bytes still unread when the node went away (views, in order). */
  unread: Uint8Array[];
  errors: string[];
  irqs: number;
  events: number;
  doorbells: number;
  kernelLog: string;
  traceDigest: string;
}

/**
 * Pseudo-random payload: xoshiro128** seeded from the run's 'mhi.client.data' stream, inlined
 * in one loop over 32-bit words (a method call per word costs ~10x more on 64 MiB).
 */
export function pseudoRandomBytes(sim: Simulation, n: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(n / 4));
  const rng = sim.rng('mhi.client.data');
  let a = rng.u32() | 1;
  let b = rng.u32();
  let c = rng.u32();
  let d = rng.u32();
  for (let i = 0; i < words.length; i++) {
    const x = Math.imul(b, 5);
    words[i] = Math.imul((x << 7) | (x >>> 25), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
  }
  return new Uint8Array(words.buffer, 0, n);
}

/**
 * The `twb mhi loopback` scenario: a controller powers up, the UCI driver probes LOOPBACK,
 * a client opens /dev/mhi_<controller>_LOOPBACK and, from two threads, writes `bytes`
 * pseudo-random bytes while reading them back. Optionally the device is removed part way.
 */
export function runLoopback(o: LoopbackOptions): LoopbackResult {
  const sim = new Simulation({ seed: o.seed, params: o.params ?? resolveParams() });
  const { t, ctrl, drv, path } = createLoopbackSystem(sim, { name: o.controller, pcieGen: o.pcieGen, pcieWidth: o.pcieWidth, ringSize: o.ring, mtu: o.mtu });
  const data = pseudoRandomBytes(sim, o.bytes);
  const errors: string[] = [];
  let client: LoopbackClient | null = null;
  let removed = false;
  const removeBytes = o.removeAt === undefined ? Infinity : Math.floor(o.removeAt * o.bytes);

  const inject = () => {
    removed = true;
    if (o.fault === 'sys_err') ctrl.sysErr();
    else ctrl.removeDevice();
  };

  ctrl.powerUp().whenDone((r) => {
    if (r !== 0) return errors.push(`power-up: ${r}`);
    drv.open(path).whenDone((f) => {
      if (typeof f === 'number') return errors.push(`open: ${f}`);
      if (removeBytes <= 0) inject();
      const maybeRemove = () => {
        if (!removed && f.udev.stats.ulBytesQueued >= removeBytes) inject();
      };
      client = new LoopbackClient(sim, f, data, t.clientWriteBytes, t.clientReadBytes, { beforeWrite: maybeRemove, onRead: o.onRead });
      client.start();
    });
  });
  sim.runUntil(Infinity);

  const c = client as LoopbackClient | null;
  const udev = c?.file.udev ?? null;
  const bytesRead = c?.bytesRead ?? 0;
  const transferNs = c?.transferNs ?? 0;
  sim.trace.emit(sim.now, 'mhi.loopback.done', { bytesRead, transferNs });
  return {
    path,
    bytesWritten: udev?.stats.ulBytesQueued ?? 0,
    bytesRead,
    bytesEchoed: udev?.stats.dlBytesReceived ?? 0,
    throughputMBps: c?.throughputMBps ?? 0,
    ringFullStalls: udev?.stats.ulStalls ?? 0,
    enodevSeen: c?.enodevSeen ?? false,
    transferNs,
    data,
    unread: c?.unread ?? [],
    errors: [...errors, ...(c?.errors ?? [])],
    irqs: ctrl.irqs,
    events: ctrl.eventsProcessed,
    doorbells: udev ? udev.mhiDev.ul.doorbells + udev.mhiDev.dl.doorbells : 0,
    kernelLog: sim.log.format(),
    traceDigest: sim.trace.digest,
  };
}
