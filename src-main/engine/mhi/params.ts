import type { ParamDef } from '../core';
import type { ModelParams } from '../params';

/**
 * Timing parameters of the MHI model. Every step of a transfer (syscall, copy, doorbell,
 * descriptor fetch, DMA, event write, MSI, event processing, wake-up) costs simulated time
 * from this table; the link bandwidth itself follows from the PCIe generation and width
 * (pcie.ts).
 */
export const MHI_PARAMS = [
  { key: 'mhi.pcie.maxPayloadBytes', unit: 'bytes', default: 256, min: 128, max: 4096, integer: true, doc: 'PCIe Max_Payload_Size: data bytes per TLP', source: 'PCIe Base Spec Device Control MPS; 256 is the common root-port setting' },
  { key: 'mhi.pcie.tlpOverheadBytes', unit: 'bytes', default: 24, min: 0, max: 64, integer: true, doc: 'bytes on the wire per TLP besides payload: header 12-16, sequence 2, LCRC 4, framing 2', source: 'Xilinx WP350 "Understanding Performance of PCI Express Systems"' },
  { key: 'mhi.pcie.postedLatencyNs', unit: 'ns', default: 400, min: 0, max: 1_000_000, doc: 'one-way latency of a posted write across the link (doorbell MMIO, event write, MSI)', source: 'Neugebauer et al., "Understanding PCIe performance for end host networking", SIGCOMM 2018 (~300-500 ns)' },
  { key: 'mhi.pcie.readLatencyNs', unit: 'ns', default: 900, min: 0, max: 1_000_000, doc: 'round trip of a device DMA read of host memory (descriptor fetch, UL data)', source: 'Neugebauer et al. SIGCOMM 2018: device-to-host read latency ~0.5-1 µs' },
  { key: 'mhi.host.syscallNs', unit: 'ns', default: 300, min: 0, max: 1_000_000, doc: 'entry/exit of read/write/poll/open/close on the char device', source: 'typical x86/POWER syscall round trip with mitigations, 0.1-0.5 µs' },
  { key: 'mhi.host.copyBytesPerNs', unit: 'bytes/ns', default: 8, min: 0.001, max: 1000, doc: 'copy_from_user / copy_to_user bandwidth (8 = 8 GB/s)', source: 'single-core memcpy bandwidth of a server core' },
  { key: 'mhi.host.kmallocNs', unit: 'ns', default: 100, min: 0, max: 1_000_000, doc: 'kmalloc of one transfer buffer', source: 'slab fast path, ~0.1 µs' },
  { key: 'mhi.host.queueNs', unit: 'ns', default: 150, min: 0, max: 1_000_000, doc: 'mhi_queue_buf: DMA map, write the TRE, advance WP, MMIO doorbell write (CPU side)', source: 'estimate: streaming DMA map + one posted MMIO write' },
  { key: 'mhi.host.wakeupNs', unit: 'ns', default: 3000, min: 0, max: 100_000_000, doc: 'wake_up() of a sleeping task until it runs (also the mutex hand-over to a sleeper)', source: 'scheduler wake-up latency on an idle core, 2-5 µs' },
  { key: 'mhi.host.irqEntryNs', unit: 'ns', default: 1500, min: 0, max: 1_000_000, doc: 'MSI arrival to the event-ring tasklet running', source: 'hardirq entry + tasklet schedule, 1-2 µs' },
  { key: 'mhi.host.eventNs', unit: 'ns', default: 250, min: 0, max: 1_000_000, doc: 'processing one event-ring element including the client transfer callback', source: 'estimate: parse_xfer_event + unmap + callback' },
  { key: 'mhi.host.commandNs', unit: 'ns', default: 20000, min: 0, max: 1_000_000_000, doc: 'channel START/RESET command: command ring, doorbell, completion event', source: 'estimate: a few link round trips plus device firmware' },
  { key: 'mhi.dev.treNs', unit: 'ns', default: 200, min: 0, max: 1_000_000, doc: 'device firmware time per transfer descriptor it handles', source: 'estimate for a modem DMA engine' },
  { key: 'mhi.dev.loopbackFifoBytes', unit: 'bytes', default: 65536, min: 1, max: 64 * 1024 * 1024, integer: true, doc: 'device buffer holding UL data until it is echoed into DL buffers', source: 'assumption: 64 KiB of device SRAM for the loopback channel' },
  { key: 'mhi.eventRingElements', unit: 'count', default: 256, min: 2, max: 65536, integer: true, doc: 'elements of the data event ring shared by the LOOPBACK channels', source: 'drivers/bus/mhi/pci_generic.c data event rings (256 elements)' },
  { key: 'mhi.state.resetNs', unit: 'ns', default: 2000000, min: 0, max: 10_000_000_000, doc: 'device reset until it reports READY', source: 'assumption: firmware re-initialisation, milliseconds' },
  { key: 'mhi.state.transitionNs', unit: 'ns', default: 50000, min: 0, max: 1_000_000_000, doc: 'one M-state change handshake (READY→M0, M0↔M1/M2/M3)', source: 'assumption: MHICTRL write + state-change event' },
  { key: 'mhi.state.sysErrDetectNs', unit: 'ns', default: 10000, min: 0, max: 1_000_000_000, doc: 'device SYS_ERR until the host error handling runs', source: 'assumption: state-change interrupt + workqueue' },
  { key: 'mhi.uci.writeSplit', unit: 'enum', default: 'actual_mtu', values: ['actual_mtu', 'mtu'], doc: 'size write() splits user data into: actual_mtu (MTU minus the 32-byte uci_buf header, one UL transfer per DL buffer) or mtu (the seed code literally)', source: 'docs/architecture.md §3.5 (actual_mtu); seed mhi_uci_write (mtu)' },
  { key: 'mhi.client.writeBytes', unit: 'bytes', default: 65536, min: 1, max: 16 * 1024 * 1024, integer: true, doc: 'size of each write() call of the loopback client', source: 'typical user-space I/O buffer' },
  { key: 'mhi.client.readBytes', unit: 'bytes', default: 65536, min: 1, max: 16 * 1024 * 1024, integer: true, doc: 'size of each read() call of the loopback client', source: 'typical user-space I/O buffer' },
] as const satisfies readonly ParamDef[];

/** The parameter values one controller uses, read once (the hot path must not look keys up). */
export interface MhiTiming {
  maxPayloadBytes: number;
  tlpOverheadBytes: number;
  postedLatencyNs: number;
  readLatencyNs: number;
  syscallNs: number;
  copyBytesPerNs: number;
  kmallocNs: number;
  queueNs: number;
  wakeupNs: number;
  irqEntryNs: number;
  eventNs: number;
  commandNs: number;
  treNs: number;
  loopbackFifoBytes: number;
  eventRingElements: number;
  resetNs: number;
  transitionNs: number;
  sysErrDetectNs: number;
  writeSplit: 'actual_mtu' | 'mtu';
  clientWriteBytes: number;
  clientReadBytes: number;
}

export function mhiTiming(p: ModelParams): MhiTiming {
  return {
    maxPayloadBytes: p.get('mhi.pcie.maxPayloadBytes'),
    tlpOverheadBytes: p.get('mhi.pcie.tlpOverheadBytes'),
    postedLatencyNs: p.get('mhi.pcie.postedLatencyNs'),
    readLatencyNs: p.get('mhi.pcie.readLatencyNs'),
    syscallNs: p.get('mhi.host.syscallNs'),
    copyBytesPerNs: p.get('mhi.host.copyBytesPerNs'),
    kmallocNs: p.get('mhi.host.kmallocNs'),
    queueNs: p.get('mhi.host.queueNs'),
    wakeupNs: p.get('mhi.host.wakeupNs'),
    irqEntryNs: p.get('mhi.host.irqEntryNs'),
    eventNs: p.get('mhi.host.eventNs'),
    commandNs: p.get('mhi.host.commandNs'),
    treNs: p.get('mhi.dev.treNs'),
    loopbackFifoBytes: p.get('mhi.dev.loopbackFifoBytes'),
    eventRingElements: p.get('mhi.eventRingElements'),
    resetNs: p.get('mhi.state.resetNs'),
    transitionNs: p.get('mhi.state.transitionNs'),
    sysErrDetectNs: p.get('mhi.state.sysErrDetectNs'),
    writeSplit: p.get('mhi.uci.writeSplit'),
    clientWriteBytes: p.get('mhi.client.writeBytes'),
    clientReadBytes: p.get('mhi.client.readBytes'),
  };
}
