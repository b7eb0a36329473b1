import type { Simulation } from '../core';
import { SimMutex, WaitQueue } from './completion';
import type { MhiDevice } from './device';
import type { MhiTiming } from './params';
import type { MhiBuf } from './types';

/** A received DL buffer waiting for the reader (struct uci_buf): the buffer and its byte count. */
export interface UciBuf {
  buf: MhiBuf;
  len: number;
}

/** struct uci_chan: wait queue, received buffers not yet read, the buffer being read. */
export class UciChan {
  readonly wq: WaitQueue;
  pending: UciBuf[] = [];
  curBuf: UciBuf | null = null;
  /** Bytes of curBuf not yet read. */
  rxSize = 0;

  constructor(sim: Simulation, wakeupNs: number) {
    this.wq = new WaitQueue(sim, wakeupNs);
  }
}

/** Counters the CLI and tests read; not part of the seed. */
export interface UciStats {
  /** Times a writer found no free UL descriptor and slept. */
  ulStalls: number;
  /** Bytes handed to mhi_queue_buf on UL. */
  ulBytesQueued: number;
  /** Bytes received into DL buffers (dl_xfer_cb). */
  dlBytesReceived: number;
}

/** struct uci_dev: one char-device node bound to one mhi_device. */
export class UciDev {
  readonly lock: SimMutex;
  readonly ul: UciChan;
  readonly dl: UciChan;
  enabled = true;
  /** kref: 1 for the probe, +1 per open file. */
  refCount = 1;
  readonly stats: UciStats = { ulStalls: 0, ulBytesQueued: 0, dlBytesReceived: 0 };

  constructor(
    sim: Simulation,
    t: MhiTiming,
    readonly minor: number,
    readonly mhiDev: MhiDevice,
    readonly path: string,
    /** Max UL transfer: min(driver_data, MHI_MAX_MTU). */
    readonly mtu: number,
    /** Inbound buffer size: mtu minus the uci_buf header kept at its end. */
    readonly actualMtu: number,
  ) {
    this.lock = new SimMutex(sim, t.wakeupNs);
    this.ul = new UciChan(sim, t.wakeupNs);
    this.dl = new UciChan(sim, t.wakeupNs);
  }

  /** Bytes received and not yet read (pending buffers plus the rest of the current one). */
  get unreadBytes(): number {
    let n = this.dl.curBuf ? this.dl.rxSize : 0;
    for (const b of this.dl.pending) n += b.len;
    return n;
  }

  /** The unread bytes as views, in order (to show nothing echoed was lost). */
  unreadData(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const cur = this.dl.curBuf;
    if (cur && this.dl.rxSize > 0) out.push(cur.buf.data!.subarray(cur.len - this.dl.rxSize, cur.len));
    for (const b of this.dl.pending) out.push(b.buf.data!.subarray(0, b.len));
    return out;
  }
}
