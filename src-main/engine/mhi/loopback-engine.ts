import { Priority, type EventHandle, type Simulation } from '../core';
import type { MhiController } from './controller';
import type { MhiDevice } from './device';
import { MHI_EOB, MHI_EOT } from './errno';
import type { MhiTiming } from './params';

interface FifoEntry {
  data: Uint8Array;
  off: number;
}

/**
 * The LOOPBACK device's firmware: two DMA engines in a pipeline.
 *
 * UL engine: takes the next TRE the host announced by doorbell (fetching all announced TREs
 * with one descriptor read when it has none prefetched), reads its data from host memory
 * (bytes / link bandwidth, plus one read round trip when it starts from idle — back-to-back
 * reads are pipelined) into the device FIFO, and writes a completion
 * event for TREs flagged EOT (the host then completes every TRE of the chain up to it).
 * DL engine: writes FIFO data into the next inbound DL buffer (bytes / link bandwidth; a UL
 * transfer larger than a DL buffer spans several) and writes a DL completion event per buffer.
 *
 * Backpressure: the UL engine waits while the FIFO is full, the DL engine while no DL buffer
 * is queued, both while the event ring is full. Nothing runs outside M0.
 */
export class LoopbackEngine {
  private fifo: FifoEntry[] = [];
  private fifoBytes = 0;
  /** The UL / DL engine's transfer in flight (its completion event), or null when idle. */
  private ul: EventHandle | null = null;
  private dl: EventHandle | null = null;
  bytesEchoed = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly ctrl: MhiController,
    private readonly dev: MhiDevice,
    private readonly t: MhiTiming,
    private readonly bytesPerNs: number,
  ) {}

  /** The channels of this device are being reset: in-flight transfers and buffered data are dropped. */
  flush(): void {
    for (const h of [this.ul, this.dl]) if (h !== null) this.sim.cancel(h);
    this.ul = null;
    this.dl = null;
    this.fifo = [];
    this.fifoBytes = 0;
  }

  kick(): void {
    this.kickUl(false);
    this.kickDl();
  }

  private get stalled(): boolean {
    return this.ctrl.state !== 'M0' || this.ctrl.events.backlog.length > 0;
  }

  /** `streaming`: the previous UL read just finished, so its read requests were already pipelined. */
  private kickUl(streaming: boolean): void {
    const ch = this.dev.ul;
    if (this.ul !== null || this.stalled || ch.state !== 'RUNNING' || ch.deviceBacklog === 0 || this.fifoBytes >= this.t.loopbackFifoBytes) return;
    const slot = ch.devRp;
    const tre = ch.ring.slots[slot]!;
    // Data reads stream at link rate once the pipeline is full; only a start from idle waits
    // for the first read completion.
    let delay = this.t.treNs + tre.len / this.bytesPerNs + (streaming ? 0 : this.t.readLatencyNs);
    if (ch.prefetched === 0) {
      delay += this.t.readLatencyNs;
      ch.prefetched = ch.deviceBacklog;
    }
    ch.prefetched--;
    this.ul = this.sim.after(delay, Priority.HARDWARE, () => {
      this.ul = null;
      if (this.ctrl.state === 'SYS_ERR' || this.ctrl.state === 'RESET') return;
      ch.devRp = (slot + 1) % ch.ring.size;
      this.fifo.push({ data: tre.buf.data!.subarray(0, tre.len), off: 0 });
      this.fifoBytes += tre.len;
      if (tre.flags & (MHI_EOT | MHI_EOB)) this.ctrl.postEvent(ch, slot, tre.len);
      this.kickUl(true);
      this.kickDl();
    }, 'mhi.dev.ul');
  }

  private kickDl(): void {
    const ch = this.dev.dl;
    if (this.dl !== null || this.stalled || ch.state !== 'RUNNING' || this.fifo.length === 0 || ch.deviceBacklog === 0) return;
    const slot = ch.devRp;
    const tre = ch.ring.slots[slot]!;
    const head = this.fifo[0];
    const n = Math.min(tre.len, head.data.length - head.off);
    const view = head.data.subarray(head.off, head.off + n);
    head.off += n;
    if (head.off === head.data.length) this.fifo.shift();
    let delay = this.t.treNs + n / this.bytesPerNs;
    if (ch.prefetched === 0) {
      delay += this.t.readLatencyNs;
      ch.prefetched = ch.deviceBacklog;
    }
    ch.prefetched--;
    this.dl = this.sim.after(delay, Priority.HARDWARE, () => {
      this.dl = null;
      if (this.ctrl.state === 'SYS_ERR' || this.ctrl.state === 'RESET') return;
      tre.buf.data = view;
      ch.devRp = (slot + 1) % ch.ring.size;
      this.fifoBytes -= n;
      this.bytesEchoed += n;
      this.ctrl.postEvent(ch, slot, n);
      this.kick();
    }, 'mhi.dev.dl');
  }
}
