import { MhiChannel } from './channel';
import type { MhiController } from './controller';
import type { MhiClientDriver } from './types';

/**
 * An MHI device on a controller (struct mhi_device): a named UL/DL channel pair — for
 * LOOPBACK channels 0 (UL, host to device) and 1 (DL, device to host) — and the client
 * driver bound to it with its private data (dev_set_drvdata).
 */
export class MhiDevice {
  readonly ul: MhiChannel;
  readonly dl: MhiChannel;
  driver: MhiClientDriver | null = null;
  drvdata: unknown = null;
  removed = false;

  constructor(
    readonly controller: MhiController,
    readonly name: string,
    ulChannel: number,
    ringSize: number,
  ) {
    this.ul = new MhiChannel(controller.sim, ulChannel, 'UL', ringSize);
    this.dl = new MhiChannel(controller.sim, ulChannel + 1, 'DL', ringSize);
    this.ul.owner = this.dl.owner = this;
  }

  /** dev_name of the mhi device as the kernel log prints it. */
  get devName(): string {
    return `${this.controller.name}_${this.name}`;
  }
}
