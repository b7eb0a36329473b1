import type { MhiDevice } from './device';

/** A buffer the client hands to mhi_queue_buf. DL buffers get `data` when the device fills them. */
export interface MhiBuf {
  data: Uint8Array | null;
  /** Capacity for inbound buffers, data length for outbound ones. */
  len: number;
}

/** A transfer ring element (TRE): buffer, length and flags (MHI_EOT / MHI_CHAIN). */
export interface Tre {
  buf: MhiBuf;
  len: number;
  flags: number;
}

/** struct mhi_result as the transfer callbacks see it. */
export interface MhiResult {
  buf: MhiBuf;
  bytesXferd: number;
  /** 0, or -ENOTCONN when the channel was reset with the buffer still queued. */
  status: number;
}

/** The client side of struct mhi_driver: probe/remove and the per-direction callbacks. */
export interface MhiClientDriver {
  probe(dev: MhiDevice): number;
  /** May block (the UCI remove takes the device mutex); calls `done` when finished. */
  remove(dev: MhiDevice, done: () => void): void;
  ulXferCb(dev: MhiDevice, r: MhiResult): void;
  dlXferCb(dev: MhiDevice, r: MhiResult): void;
}

export type Direction = 'UL' | 'DL';
