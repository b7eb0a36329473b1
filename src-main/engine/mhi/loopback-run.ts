import { Simulation, type Params, resolveParams } from '../core';
import { ENODEV } from './errno';
import { createLoopbackSystem } from './system';
import type { UciFile } from './uci-file';

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
  params?: Params;
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
  let bytesRead = 0;
  let enodevSeen = false;
  let started = 0;
  let lastRead = 0;
  let removed = false;
  let file: UciFile | null = null;
  let running = 0;
  let unread: Uint8Array[] = [];
  const removeBytes = o.removeAt === undefined ? Infinity : Math.floor(o.removeAt * o.bytes);

  const failed = (who: string, ret: number) => {
    if (ret === -ENODEV) enodevSeen = true;
    errors.push(`${who}: ${ret}`);
  };
  const finished = () => {
    if (--running > 0) return;
    unread = file!.udev.unreadData();
    file!.release();
  };
  const inject = () => {
    removed = true;
    if (o.fault === 'sys_err') ctrl.sysErr();
    else ctrl.removeDevice();
  };
  const maybeRemove = () => {
    if (!removed && file!.udev.stats.ulBytesQueued >= removeBytes) inject();
  };

  const writer = (f: UciFile, off: number) => {
    maybeRemove();
    if (off >= o.bytes) return finished();
    f.write(data.subarray(off, Math.min(o.bytes, off + t.clientWriteBytes))).then((ret) => {
      if (ret < 0) {
        failed('write', ret);
        return finished();
      }
      writer(f, off + ret);
    });
  };
  const readBuf = new Uint8Array(t.clientReadBytes);
  const reader = (f: UciFile) => {
    if (bytesRead >= o.bytes) return finished();
    f.read(readBuf).then((ret) => {
      if (ret < 0) {
        failed('read', ret);
        return finished();
      }
      o.onRead?.(readBuf.subarray(0, ret));
      bytesRead += ret;
      lastRead = sim.now;
      reader(f);
    });
  };

  ctrl.powerUp().then((r) => {
    if (r !== 0) return errors.push(`power-up: ${r}`);
    drv.open(path).then((f) => {
      if (typeof f === 'number') return failed('open', f);
      file = f;
      started = sim.now;
      running = 2;
      if (removeBytes <= 0) inject();
      writer(f, 0);
      reader(f);
    });
  });
  sim.runUntil(Infinity);

  const udev = file ? (file as UciFile).udev : null;
  const transferNs = Math.max(0, lastRead - started);
  sim.trace.emit(sim.now, 'mhi.loopback.done', { bytesRead, transferNs });
  return {
    path,
    bytesWritten: udev?.stats.ulBytesQueued ?? 0,
    bytesRead,
    bytesEchoed: udev?.stats.dlBytesReceived ?? 0,
    throughputMBps: transferNs > 0 ? (bytesRead / transferNs) * 1000 : 0,
    ringFullStalls: udev?.stats.ulStalls ?? 0,
    enodevSeen,
    transferNs,
    data,
    unread,
    errors,
    irqs: ctrl.irqs,
    events: ctrl.eventsProcessed,
    doorbells: udev ? udev.mhiDev.ul.doorbells + udev.mhiDev.dl.doorbells : 0,
    kernelLog: sim.log.format(),
    traceDigest: sim.trace.digest,
  };
}
