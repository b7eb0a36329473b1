import { z } from 'zod';
import { quote } from '../parse/quote';
import { LIMITS, atMost } from '../parse/limits';

/**
 * A host's I/O as hwloc describes it (`lstopo --of xml`): host bridges, each attached to a
 * socket (a POWER9 chip's PHB) or to the machine, with PCI-to-PCI bridges and PCI functions
 * below them, and the OS devices (network interfaces, block devices, GPUs, …) of each function.
 * Kept so an imported machine draws and exports as lstopo shows it; the simulation does not use
 * it (MHI controllers name their PCI function by `pci` bus id).
 */
export const OSDEV_TYPES = ['block', 'gpu', 'network', 'openfabrics', 'dma', 'coproc'] as const;
export type OsDevType = (typeof OSDEV_TYPES)[number];

const hex = (digits: number, what: string) =>
  z.string({ error: (iss) => `expected ${digits} hex digits (${what}), got ${quote(iss.input)}` }).regex(new RegExp(`^[0-9a-f]{${digits}}$`), { error: (iss) => `expected ${digits} lowercase hex digits (${what}), got ${quote(iss.input)}` });

const text = (max: number) => z.string().max(max, { error: `expected at most ${max} characters` });

/** `<info name value>` pairs lstopo shows (PCIVendor, PCIDevice, Address, Size, …), in their order. */
export const infoSchema = z
  .array(z.strictObject({ name: text(64).min(1), value: text(256) }))
  .max(LIMITS.infoEntries.value, { error: `expected ${atMost('infoEntries')}` });

export const osDeviceSchema = z.strictObject({
  /** eth0, vda, card0, … */
  name: text(64).min(1),
  type: z.enum(OSDEV_TYPES, { error: (iss) => `expected one of ${OSDEV_TYPES.join(', ')}, got ${quote(iss.input)}` }),
  /** hwloc's subtype (e.g. `NVMe`, `OpenCL`), when it gave one. */
  subtype: text(64).optional(),
  info: infoSchema.optional(),
});
export type OsDevice = z.infer<typeof osDeviceSchema>;

/** `0000:01:00.0` (domain:bus:device.function). */
export const PCI_BUSID = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;
export const pciBusIdSchema = z.string().regex(PCI_BUSID, { error: (iss) => `expected a PCI address like 0000:01:00.0, got ${quote(iss.input)}` });

const busRange = z.strictObject({
  domain: hex(4, 'PCI domain'),
  /** Secondary and subordinate bus numbers. */
  first: z.number().int().min(0).max(255),
  last: z.number().int().min(0).max(255),
});

export interface PciFunction {
  busid: string;
  /** PCI class and subclass, e.g. `0200` (Ethernet). */
  classId: string;
  vendor: string;
  device: string;
  subvendor: string;
  subdevice: string;
  revision: string;
  /** hwloc's pci_link_speed, GB/s (0 unknown). */
  linkGBps: number;
  info?: { name: string; value: string }[];
  osdevs?: OsDevice[];
  /** A PCI-to-PCI bridge: the buses below it and what is on them. */
  bridge?: { buses: z.infer<typeof busRange>; children: PciFunction[] };
}

export const pciFunctionSchema: z.ZodType<PciFunction> = z.lazy(() =>
  z.strictObject({
    busid: pciBusIdSchema,
    classId: hex(4, 'PCI class'),
    vendor: hex(4, 'PCI vendor id'),
    device: hex(4, 'PCI device id'),
    subvendor: hex(4, 'PCI subsystem vendor id'),
    subdevice: hex(4, 'PCI subsystem id'),
    revision: hex(2, 'PCI revision'),
    linkGBps: z.number().min(0).max(1024),
    info: infoSchema.optional(),
    osdevs: z.array(osDeviceSchema).max(LIMITS.ioObjects.value).optional(),
    bridge: z.strictObject({ buses: busRange, children: z.array(pciFunctionSchema).max(LIMITS.ioObjects.value) }).optional(),
  }),
);

export const hostBridgeSchema = z.strictObject({
  /** The socket (package) whose PHB it is; absent: attached to the machine. */
  socket: z.number().int().min(0).max(15).optional(),
  buses: busRange,
  children: z.array(pciFunctionSchema).max(LIMITS.ioObjects.value),
});
export type HostBridge = z.infer<typeof hostBridgeSchema>;

export const ioSchema = z
  .array(hostBridgeSchema)
  .max(LIMITS.ioObjects.value)
  .superRefine((bridges, ctx) => {
    let objects = 0;
    const seen = new Set<string>();
    const walk = (fns: readonly PciFunction[], depth: number, path: (string | number)[]) => {
      fns.forEach((f, i) => {
        objects += 1 + (f.osdevs?.length ?? 0);
        if (seen.has(f.busid)) ctx.addIssue({ code: 'custom', path: [...path, i, 'busid'], message: `PCI function ${f.busid} listed twice` });
        seen.add(f.busid);
        if (f.bridge) {
          if (depth >= LIMITS.ioDepth.value) ctx.addIssue({ code: 'custom', path: [...path, i, 'bridge'], message: `PCI bridges nested ${atMost('ioDepth')}` });
          else walk(f.bridge.children, depth + 1, [...path, i, 'bridge', 'children']);
        }
      });
    };
    bridges.forEach((b, i) => {
      objects++;
      walk(b.children, 1, [i, 'children']);
    });
    if (objects > LIMITS.ioObjects.value) ctx.addIssue({ code: 'custom', path: [], message: `${objects} I/O objects; ${atMost('ioObjects')}` });
  });

/** Every PCI function of a host's I/O, depth first, with the host bridge it is under. */
export function pciFunctions(io: readonly HostBridge[] | undefined): { fn: PciFunction; hostBridge: HostBridge }[] {
  const out: { fn: PciFunction; hostBridge: HostBridge }[] = [];
  const walk = (fns: readonly PciFunction[], hb: HostBridge) => {
    for (const f of fns) {
      out.push({ fn: f, hostBridge: hb });
      if (f.bridge) walk(f.bridge.children, hb);
    }
  };
  for (const hb of io ?? []) walk(hb.children, hb);
  return out;
}

/**
 * lstopo's names of PCI classes (`PCI 00:03.0 (Ethernet)`), as hwloc 2.9's hwloc_pci_class_string
 * gives them: per base class, the subclasses it names and the name of the rest (hwloc.test.ts
 * checks every class/subclass against lstopo itself).
 */
const PCI_CLASSES: Record<string, { rest: string; sub?: Record<string, string> }> = {
  '00': { rest: 'Other', sub: { '01': 'VGA' } },
  '01': { rest: 'Storage', sub: { '00': 'SCSI', '01': 'IDE', '02': 'Floppy', '03': 'IPI', '04': 'RAID', '05': 'ATA', '06': 'SATA', '07': 'SAS', '08': 'NVMExp' } },
  '02': { rest: 'Network', sub: { '00': 'Ethernet', '01': 'TokenRing', '02': 'FDDI', '03': 'ATM', '04': 'ISDN', '05': 'WorldFip', '06': 'PICMG', '07': 'InfiniBand', '08': 'Fabric' } },
  '03': { rest: 'Display', sub: { '00': 'VGA', '01': 'XGA', '02': '3D' } },
  '04': { rest: 'Multimedia', sub: { '00': 'MultimediaVideo', '01': 'MultimediaAudio', '02': 'Telephony', '03': 'AudioDevice' } },
  '05': { rest: 'Memory', sub: { '00': 'RAM', '01': 'Flash', '02': 'CXLMem' } },
  '06': { rest: 'Bridge', sub: { '00': 'HostBridge', '01': 'ISABridge', '02': 'EISABridge', '03': 'MicroChannelBridge', '04': 'PCIBridge', '05': 'PCMCIABridge', '06': 'NubusBridge', '07': 'CardBusBridge', '08': 'RACEwayBridge', '09': 'SemiTransparentPCIBridge', '0a': 'InfiniBandPCIHostBridge' } },
  '07': { rest: 'Communication', sub: { '00': 'Serial', '01': 'Parallel', '02': 'MultiportSerial', '03': 'Model', '04': 'GPIB', '05': 'SmartCard' } },
  '08': { rest: 'SystemPeripheral', sub: { '00': 'PIC', '01': 'DMA', '02': 'Timer', '03': 'RTC', '04': 'PCIHotPlug', '05': 'SDHost', '06': 'IOMMU' } },
  '09': { rest: 'Input', sub: { '00': 'Keyboard', '01': 'DigitizerPen', '02': 'Mouse', '03': 'Scanern', '04': 'Gameport' } },
  '0a': { rest: 'DockingStation' },
  '0b': { rest: 'Processor', sub: { '00': '386', '01': '486', '02': 'Pentium', '10': 'Alpha', '20': 'PowerPC', '30': 'MIPS', '40': 'Co-Processor' } },
  '0c': { rest: 'SerialBus', sub: { '00': 'FireWire', '01': 'ACCESS', '02': 'SSA', '03': 'USB', '04': 'FibreChannel', '05': 'SMBus', '06': 'InfiniBand', '07': 'IPMI-SMIC', '08': 'SERCOS', '09': 'CANBUS' } },
  '0d': { rest: 'Wireless', sub: { '00': 'IRDA', '01': 'ConsumerIR', '10': 'RF', '11': 'Bluetooth', '12': 'Broadband', '20': '802.1a', '21': '802.1b' } },
  '0e': { rest: 'Intelligent', sub: { '00': 'I2O' } },
  '0f': { rest: 'Satellite' },
  '10': { rest: 'Encryption' },
  '11': { rest: 'SignalProcessing' },
  '12': { rest: 'ProcessingAccelerator' },
  '13': { rest: 'Instrumentation' },
  '40': { rest: 'Co-Processor' },
};

/** lstopo's name of a PCI class id (`0200` → `Ethernet`); classes PCI does not define are `Other`. */
export function pciClassName(classId: string): string {
  const c = PCI_CLASSES[classId.slice(0, 2).toLowerCase()];
  return c ? (c.sub?.[classId.slice(2).toLowerCase()] ?? c.rest) : 'Other';
}
