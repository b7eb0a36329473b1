/**
 * Every size the app accepts from outside, in one table: each is checked where the input
 * enters (schema, importer, bridge, CLI), before anything is built from it, so no single file,
 * request or argument can exhaust or stall the host. docs/limits.md lists the same table (a
 * test keeps them equal). A limit taken from a real system says which.
 */
export interface Limit {
  value: number;
  unit: string;
  /** Where the limit is checked. */
  where: string;
  why: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const LIMITS = {
  fileBytes: {
    value: 8 * MiB,
    unit: 'bytes',
    where: 'a workspace, hwloc or libvirt file (twb and the app)',
    why: 'far above any real lstopo or libvirt file (a 2-socket lstopo file is about 60 KB), well under a bridge message',
  },
  messageBytes: {
    value: 16 * MiB,
    unit: 'bytes',
    where: 'one browser-mode WebSocket message',
    why: 'holds the largest file plus its JSON escaping',
  },
  jsonDepth: {
    value: 64,
    unit: 'levels',
    where: 'a JSON file (workspace, import)',
    why: 'a workspace nests 7 levels; deeper input only exercises the stack',
  },
  xmlDepth: {
    value: 100,
    unit: 'levels',
    where: 'an hwloc or libvirt XML file (elements inside elements)',
    why: 'lstopo nests under 20 (machine, package, caches, core, PU, PCI bridges), a libvirt domain under 8; the XML parser (fast-xml-parser) stops at 100',
  },
  litmusDepth: {
    value: 64,
    unit: 'levels',
    where: 'a litmus test (parentheses, brackets and braces inside each other)',
    why: "herd's tests nest under 10 levels; the parsers are recursive, so deeper input only exercises the stack",
  },
  requestDepth: {
    value: 32,
    unit: 'levels',
    where: "a bridge request's argument",
    why: 'a request carrying a workspace nests 8 levels',
  },
  readHighWater: {
    value: 4 * MiB,
    unit: 'bytes',
    where: "replies waiting for one browser-mode client before its next requests are read",
    why: 'answering a client that does not take its replies only adds to them and keeps the host from the others; one that then takes none for 10 s is closed with a reason',
  },
  unsentBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    where: 'replies queued for one browser-mode client',
    why: 'a client that stops reading is closed with a reason instead of growing the host',
  },
  requestsInFlight: {
    value: 16,
    unit: 'requests',
    where: 'per browser-mode client',
    why: 'the UI has at most a handful in flight; more is a client flooding the host',
  },
  guests: {
    value: 256,
    unit: 'guests',
    where: 'workspace guests',
    why: 'beyond any host of 1,536 CPUs that runs them; each guest is a model component',
  },
  vcpusPerGuest: {
    value: 4096,
    unit: 'vCPUs',
    where: 'a guest (smp sockets × cores × threads; libvirt <vcpu>)',
    why: "libvirt's QEMU driver maximum (QEMU_GUEST_VCPU_MAX_ID 4096); also the vcpupin range",
  },
  vcpusTotal: {
    value: 16384,
    unit: 'vCPUs',
    where: 'all guests of a workspace',
    why: 'ten times the largest POWER9 host (16 sockets × 24 cores × SMT4 = 1,536 CPUs); a run builds one task per vCPU',
  },
  cpusetChars: {
    value: 16384,
    unit: 'characters',
    where: 'a cpuset string (vcpupin, libvirt cpuset=)',
    why: 'lists every CPU of the largest host one by one (6,676 characters) with room to spare',
  },
  cpusetCharsTotal: {
    value: 131072,
    unit: 'characters',
    where: 'all cpuset and nodeset strings of one workspace together',
    why: 'every vCPU of the 16,384-vCPU limit pinned to a range like 100-200 (8 characters each); every check of the document parses each of them on the serving thread, so the sum, not only each string, is bounded before any is parsed',
  },
  cpusetCpu: {
    value: 16384,
    unit: 'CPU number (exclusive)',
    where: "a cpuset's CPU numbers when no host bounds them (libvirt import without a workspace)",
    why: "libvirt's VIR_DOMAIN_CPUMASK_LEN; checked per range before any range is expanded",
  },
  guestNumaCells: {
    value: 128,
    unit: 'cells',
    where: 'NUMA cells of a guest (<cpu><numa><cell>), and hugepage <page> entries',
    why: "QEMU's MAX_NODES (hw/core/numa.h); libvirt refuses more",
  },
  iothreads: {
    value: 256,
    unit: 'IOThreads',
    where: 'a guest\'s <iothreads> (and its <iothreadpin> entries)',
    why: 'one per virtio disk or queue, far beyond any real domain; a run builds one host task per IOThread',
  },
  nodesetNode: {
    value: 1024,
    unit: 'node number (exclusive)',
    where: 'a nodeset\'s node numbers when no host bounds them (libvirt import without a workspace)',
    why: "Linux's MAX_NUMNODES with the largest NODES_SHIFT (10); checked per range before expanding",
  },
  cacheLevels: {
    value: 15,
    unit: 'cache levels',
    where: 'host.caches (hwloc L1..L5, each data, instruction or unified)',
    why: 'every cache type hwloc knows, once',
  },
  ioObjects: {
    value: 8192,
    unit: 'objects',
    where: 'host.io: host bridges, PCI bridges, PCI functions and OS devices in all',
    why: 'a large server has a few hundred PCI functions; SR-IOV virtual functions can add a few thousand',
  },
  ioDepth: {
    value: 16,
    unit: 'levels',
    where: 'PCI bridges nested under one host bridge',
    why: 'real PCIe hierarchies are under 8 switches deep; keeps a workspace inside the JSON depth limit',
  },
  infoEntries: {
    value: 32,
    unit: 'entries',
    where: "an hwloc object's kept <info> pairs (PCI vendor and device names, OS device attributes)",
    why: 'lstopo writes fewer than 10 per I/O object',
  },
  workloads: {
    value: 256,
    unit: 'workloads',
    where: 'workspace workloads',
    why: 'one stress command line per guest and the host, many times over',
  },
  commandChars: {
    value: 4096,
    unit: 'characters',
    where: 'a workload command line',
    why: 'a stress command line is under 200 characters',
  },
  stressHogs: {
    value: 32768,
    unit: 'hogs (tasks)',
    where: 'the hogs one workload command line starts (cpu + io + vm + hdd)',
    why: "Linux's default pid_max (PID_MAX_DEFAULT 0x8000): stress forks one process per hog. stress-check still prints stress's own long long counts",
  },
  mhiControllers: {
    value: 16,
    unit: 'controllers',
    where: 'workspace devices.mhi',
    why: 'a host has one MHI modem per PCIe slot in use',
  },
  loopbackBytes: {
    value: 64 * MiB,
    unit: 'bytes',
    where: 'devices.snapshot loopback traffic, summed over the MHI controllers',
    why: 'about 65 ms of Gen3 x1 traffic per controller: enough to see rings fill; each byte is simulated transfers',
  },
  dmabufBytes: {
    value: 256 * MiB,
    unit: 'bytes',
    where: 'the sizeBytes of all dma-buf exporters of a workspace',
    why: 'the model allocates every buffer (a 4K NV12 camera frame is 12 MB)',
  },
  aieReadBytes: {
    value: 16 * MiB,
    unit: 'bytes',
    where: 'one AIE memory read (aie.readPartitionMemory)',
    why: "a whole VC1902 partition's data memory (50 × 8 tiles × 32 KiB = 12.5 MiB); larger partitions are read per tile",
  },
  paramEntries: {
    value: 1024,
    unit: 'entries',
    where: 'workspace params (overrides)',
    why: 'the parameter registry has fewer than 200 keys',
  },
  viewPositions: {
    value: 65536,
    unit: 'entries',
    where: 'workspace view.positions',
    why: 'one per drawn node: the largest host plus every guest and device is about 2,000',
  },
  aieImageHexChars: {
    value: 3 * 32 * KiB,
    unit: 'characters',
    where: 'one AIE memory image (hex with spaces)',
    why: 'a whole 32 KiB data memory written as "41 49 …"',
  },
  aieImages: {
    value: 4096,
    unit: 'images',
    where: 'memory images of one AIE partition',
    why: 'one per memory of every core tile of the largest array (128 × 31 × 2 = 7,936) would be a file of 500 MB; 4,096 covers real use',
  },
  aieKernels: {
    value: 65536,
    unit: 'kernels',
    where: 'kernels of one AIE partition',
    why: 'program memory holds 1,024 per tile; more than 64 tiles full is not a real program',
  },
  dmabufDevices: {
    value: 256,
    unit: 'devices',
    where: 'dma-buf exporters, and importers, of a workspace',
    why: 'each is a node of the drawing and a model component',
  },
  sweepSpecChars: {
    value: 4096,
    unit: 'characters',
    where: 'a --seeds or --vary argument of a sweep (twb sweep, the Sweeps tab)',
    why: 'holds 100 values of 40 characters, or any seed list worth typing',
  },
  sweepAxes: {
    value: 8,
    unit: 'axes',
    where: '--vary axes of one sweep',
    why: 'the configurations multiply: 8 axes of 2 values are already 256',
  },
  sweepValuesPerAxis: {
    value: 100,
    unit: 'values',
    where: 'values of one --vary axis',
    why: 'a parameter scan finer than 100 points is a different experiment',
  },
  sweepConfigurations: {
    value: 1000,
    unit: 'configurations',
    where: 'configurations of one sweep (the product of its axes)',
    why: 'each is a curve and a row of the report',
  },
  sweepRuns: {
    value: 20000,
    unit: 'runs',
    where: 'runs of one sweep (configurations × seeds)',
    why: 'each is a stored run of up to ~40 KB (log and lockups capped at 200 each): 20,000 stay under 1 GB; 400 runs already give ±5 % on P(lockup)',
  },
  sweepThreads: {
    value: 256,
    unit: 'threads',
    where: 'twb sweep --jobs, twb worker --concurrency',
    why: 'one run per thread, each holding a model of about 200 MB',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** The limits as the Markdown table docs/limits.md holds (a test keeps the two equal). */
export function limitsTable(): string {
  const rows = Object.values(LIMITS).map((l: Limit) => `| ${l.where} | ${l.value.toLocaleString('en-US')} ${l.unit} | ${l.why} |`);
  return ['| what | limit | why |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `at most 4096 vCPUs`-style wording for messages. */
export const atMost = (name: LimitName): string => `at most ${LIMITS[name].value} ${LIMITS[name].unit}`;
