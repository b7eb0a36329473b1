import { EventGroup, type Simulation } from '../core';
import { TransferRing } from './ring';
import type { MhiDevice } from './device';
import type { Direction, Tre } from './types';

/**
 * One MHI channel: its transfer ring plus what the device knows of it. The host writes TREs
 * at the ring's WP and tells the device with a channel doorbell; `dbWp` is the WP the device
 * has seen, `devRp` how far the device has consumed. A reset cancels the doorbell writes still
 * crossing the link (the controller marks the channel's pending events stale, the loopback
 * engine drops its transfers in flight).
 */
export type ChannelState = 'DISABLED' | 'RUNNING' | 'STOPPED';

export class MhiChannel {
  readonly ring: TransferRing<Tre>;
  state: ChannelState = 'DISABLED';
  dbWp = 0;
  devRp = 0;
  /** TREs the device has already fetched ahead of devRp (one fetch covers up to the doorbell WP). */
  prefetched = 0;
  /** A doorbell is owed because the host queued while the link was not in M0. */
  doorbellOwed = false;
  doorbells = 0;
  /** Doorbell writes (posted MMIO) still crossing the link to the device. */
  readonly doorbellsInFlight: EventGroup;
  /** The device this channel belongs to (set by MhiDevice). */
  owner: MhiDevice | null = null;

  constructor(
    sim: Simulation,
    readonly id: number,
    readonly dir: Direction,
    ringSize: number,
  ) {
    this.ring = new TransferRing<Tre>(ringSize);
    this.doorbellsInFlight = new EventGroup(sim);
  }

  /** TREs the device has been told about and not yet consumed. */
  get deviceBacklog(): number {
    return (this.dbWp - this.devRp + this.ring.size) % this.ring.size;
  }

  /** Channel reset: ring emptied, device pointers back to 0; returns the TREs that were outstanding. */
  reset(): Tre[] {
    const out = this.ring.drain();
    this.dbWp = this.devRp = this.prefetched = 0;
    this.doorbellOwed = false;
    this.doorbellsInFlight.cancelAll();
    this.state = 'DISABLED';
    return out;
  }
}
