import { z } from 'zod';
import { intIn, name, oneOf } from '../fields';
import { pciBusIdSchema } from '../host-io';

/**
 * An MHI controller on a socket's PCIe (seed mhi-uci-userspace-client). Owned by the MHI model
 * (src-main/engine/mhi): its LOOPBACK device appears as /dev/mhi_<name>_LOOPBACK.
 */
export const mhiControllerSchema = z.strictObject({
  /** Controller name, used in the node path and kernel log (`mhi mhi0: ...`). */
  name: name('MHI controller'),
  socket: intIn(0, 15),
  /** The PCI function of the modem (`0000:01:00.0`), on one of its socket's host bridges; absent: a slot of its own (mhiPciBusId). */
  pci: pciBusIdSchema.optional(),
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

/** A controller's PCI address: its `pci`, else bus k+1 of its socket's PCI domain (k: its rank among that socket's controllers). */
export function mhiPciBusId(controllers: readonly MhiController[], index: number): string {
  const m = controllers[index];
  if (m.pci) return m.pci;
  const k = controllers.slice(0, index).filter((o) => o.socket === m.socket && !o.pci).length;
  return `${m.socket.toString(16).padStart(4, '0')}:${(k + 1).toString(16).padStart(2, '0')}:00.0`;
}

/** Qualcomm SDX55 (drivers/bus/mhi/pci_generic.c's mhi_qcom_sdx55_info): how an exported MHI modem appears on PCI. */
export const MHI_PCI_ID = { vendor: '17cb', device: '0306', classId: 'ff00' } as const;
