/**
 * PCIe link bandwidth from generation and width. Per lane, per direction (PCIe Base Spec):
 *
 * | gen | transfer rate | encoding                         | data rate per lane |
 * |-----|---------------|----------------------------------|--------------------|
 * | 1   | 2.5 GT/s      | 8b/10b (80 %)                    | 250 MB/s           |
 * | 2   | 5 GT/s        | 8b/10b (80 %)                    | 500 MB/s           |
 * | 3   | 8 GT/s        | 128b/130b (98.46 %)              | 984.6 MB/s         |
 * | 4   | 16 GT/s       | 128b/130b                        | 1969 MB/s          |
 * | 5   | 32 GT/s       | 128b/130b                        | 3938 MB/s          |
 * | 6   | 64 GT/s PAM4  | FLIT: 236 TLP bytes per 256 B    | 7375 MB/s          |
 *
 * On top of line encoding each TLP carries at most Max_Payload_Size data bytes plus
 * `tlpOverheadBytes` of header, sequence number, LCRC and framing, so the data bandwidth is
 * lane rate × width × MPS / (MPS + overhead). The link is full duplex: host→device (UL data
 * the device reads) and device→host (DL data the device writes) each get the full figure.
 */
export interface PcieGen {
  gtPerS: number;
  efficiency: number;
  encoding: string;
}

export const PCIE_GENS: Record<number, PcieGen> = {
  1: { gtPerS: 2.5, efficiency: 8 / 10, encoding: '8b/10b' },
  2: { gtPerS: 5, efficiency: 8 / 10, encoding: '8b/10b' },
  3: { gtPerS: 8, efficiency: 128 / 130, encoding: '128b/130b' },
  4: { gtPerS: 16, efficiency: 128 / 130, encoding: '128b/130b' },
  5: { gtPerS: 32, efficiency: 128 / 130, encoding: '128b/130b' },
  6: { gtPerS: 64, efficiency: 236 / 256, encoding: 'FLIT 236/256' },
};

/** Data bytes per ns in one direction (1 byte/ns = 1000 MB/s). */
export function linkBytesPerNs(gen: number, width: number, maxPayloadBytes: number, tlpOverheadBytes: number): number {
  const g = PCIE_GENS[gen];
  if (!g) throw new Error(`pcieGen: expected 1..6, got ${gen}`);
  if (![1, 2, 4, 8, 16].includes(width)) throw new Error(`pcieWidth: expected one of 1, 2, 4, 8, 16, got ${width}`);
  // GT/s × efficiency = Gbit/s of data per lane; / 8 = bytes per ns.
  const lane = (g.gtPerS * g.efficiency) / 8;
  return lane * width * (maxPayloadBytes / (maxPayloadBytes + tlpOverheadBytes));
}
