import { z } from 'zod';
import { intIn, name, oneOf } from '../fields';

/**
 * An MHI controller on a socket's PCIe (seed mhi-uci-userspace-client). Owned by the MHI model
 * (src-main/engine/mhi): its LOOPBACK device appears as /dev/mhi_<name>_LOOPBACK.
 */
export const mhiControllerSchema = z.strictObject({
  /** Controller name, used in the node path and kernel log (`mhi mhi0: ...`). */
  name: name('MHI controller'),
  socket: intIn(0, 15),
  /** PCIe generation 1..6: 2.5, 5, 8, 16, 32, 64 GT/s per lane. */
  pcieGen: intIn(1, 6),
  /** PCIe lanes. */
  pcieWidth: oneOf([1, 2, 4, 8, 16] as const),
  /** Descriptors per transfer ring (at most ringSize - 1 outstanding: full when WP + 1 == RP). */
  ringSize: intIn(2, 4096),
  /**
   * The LOOPBACK channel's MTU (the seed's driver_data, 0x1000), at most MHI_MAX_MTU 0xffff;
   * inbound buffers are MTU minus the 32-byte uci_buf header, so at least 64.
   */
  mtu: intIn(64, 0xffff),
});
export type MhiController = z.infer<typeof mhiControllerSchema>;
