import { z } from 'zod';
import { intIn, name, oneOf } from '../fields';

/** An MHI controller on a socket's PCIe (seed mhi-uci-userspace-client). Owned by the MHI model. */
export const mhiControllerSchema = z.strictObject({
  name: name('MHI controller'),
  socket: intIn(0, 15),
  pcieGen: intIn(1, 6),
  pcieWidth: oneOf([1, 2, 4, 8, 16] as const),
  /** Descriptors per transfer ring. */
  ringSize: intIn(2, 4096),
  /** Bytes per transfer, the seed's MTU (0x1000). */
  mtu: intIn(64, 1 << 20),
});
export type MhiController = z.infer<typeof mhiControllerSchema>;
