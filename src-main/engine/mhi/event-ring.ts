import type { MhiChannel } from './channel';

/** A transfer completion event: the channel, the TRE slot it completes and the bytes moved. */
export interface MhiEvent {
  chan: MhiChannel;
  slot: number;
  len: number;
  /**
   * Its channel was reset before the host handled it (mhi_mark_stale_events): the host still
   * consumes the element but completes nothing with it.
   */
  stale: boolean;
}

/**
 * The event ring between device and host. The device may write an element only while the ring
 * is not full as far as it knows (claimed − rp seen through the event doorbell < N − 1); when
 * full it keeps completions in a backlog and stalls its engines until the host's event
 * doorbell reports space. Counters are monotonic; slot = counter mod N.
 */
export class EventRing {
  /** Elements the device has written or is writing. */
  claimed = 0;
  /** Host read pointer (events consumed). */
  hostRp = 0;
  /** Host read pointer as last reported to the device by an event doorbell. */
  deviceSeenRp = 0;
  /** Events written to host memory, not yet processed by the host. */
  readonly landed: MhiEvent[] = [];
  /** Completions the device could not write yet because the ring was full. */
  readonly backlog: MhiEvent[] = [];
  /** Events crossing the link (written, not yet in host memory). */
  readonly writing = new Set<MhiEvent>();
  fullStalls = 0;

  constructor(readonly size: number) {}

  get deviceSeesFull(): boolean {
    return this.claimed - this.deviceSeenRp >= this.size - 1;
  }

  /** Device side: claims a slot, or queues the event in the backlog. Returns whether it claimed. */
  claim(ev: MhiEvent): boolean {
    if (this.backlog.length > 0 || this.deviceSeesFull) {
      if (this.backlog.length === 0) this.fullStalls++;
      this.backlog.push(ev);
      return false;
    }
    this.claimed++;
    return true;
  }

  /** Marks every event of `chan` not yet handled by the host stale: the channel was reset. */
  markStale(chan: MhiChannel): void {
    for (const events of [this.backlog, this.writing, this.landed]) for (const ev of events) if (ev.chan === chan) ev.stale = true;
  }

  /** The writes still crossing the link are cancelled by the controller (their events are forgotten here). */
  reset(): void {
    this.claimed = this.hostRp = this.deviceSeenRp = 0;
    this.landed.length = 0;
    this.backlog.length = 0;
    this.writing.clear();
  }
}
