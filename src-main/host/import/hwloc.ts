import { parseXml } from './xml-check';
import { CACHE_TYPES, MHI_PCI_ID, cacheNestingOrder, hostCaches, mhiPciBusId, pciFunctions, type CacheLevel, type Host, type MhiController, type Workspace } from '../../../src-common/workspace';
import { boundNotes, sanitizeName, treeToHost, workspaceForHost, type TopoNode } from './topology-tree';
import { IoBudget, hostBridgeOf, infosOf, ioXml } from './hwloc-io';

/**
 * hwloc XML as `lstopo --of xml` writes it (hwloc 2.x, and 1.x's Socket/Cache/nested NUMANode
 * form). Object types the POWER9 model has no place for are an error; caches keep their
 * geometry, I/O (host bridges and what is below them) is kept where it is attached; Misc and
 * MemCache objects are left out with a note, as is every non-object element (page_type,
 * distances, support, memattrs).
 */
const TYPE_MAP: Record<string, TopoNode['type'] | 'io' | 'skip'> = {
  Machine: 'Machine',
  System: 'Machine',
  Package: 'Package',
  Socket: 'Package',
  Die: 'Die',
  Group: 'Group',
  NUMANode: 'NUMANode',
  Node: 'NUMANode',
  MemCache: 'MemCache',
  Cache: 'Cache',
  L1Cache: 'Cache',
  L2Cache: 'Cache',
  L3Cache: 'Cache',
  L4Cache: 'Cache',
  L5Cache: 'Cache',
  L1iCache: 'Cache',
  L2iCache: 'Cache',
  L3iCache: 'Cache',
  Core: 'Core',
  PU: 'PU',
  Bridge: 'io',
  PCIDev: 'io',
  OSDev: 'io',
  Misc: 'skip',
};

type XmlObj = Record<string, unknown>;

/** A cache object's geometry: level from `depth` (or the type name), kind from `cache_type` (or the name). */
function cacheOf(o: XmlObj, rawType: string, where: string): Omit<CacheLevel, 'cores'> {
  const num = (name: string, lo: number, hi: number, dflt: number) => {
    const v = o[`@${name}`];
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`${where}: ${name} ${JSON.stringify(String(v).slice(0, 40))} is not an integer ${lo}..${hi}`);
    return n;
  };
  const named = /^L(\d)(i?)Cache$/.exec(rawType);
  const level = num('depth', 1, 5, named ? Number(named[1]) : 0);
  if (level < 1) throw new Error(`${where}: a cache without a depth (level)`);
  const type = CACHE_TYPES[num('cache_type', 0, 2, named?.[2] ? 2 : 0)];
  const incl = infosOf(o).find((i) => i.name === 'Inclusive')?.value;
  return {
    level,
    type,
    sizeBytes: num('cache_size', 0, 2 ** 40, 0),
    lineBytes: num('cache_linesize', 0, 65536, 0),
    ways: num('cache_associativity', -1, 65536, 0),
    ...(incl === '0' || incl === '1' ? { inclusive: incl === '1' } : {}),
  };
}

/** The CPU side of an hwloc topology as a tree; I/O kept on the object it is attached to; what is dropped goes on `notes`. */
export function parseHwlocXml(text: string, notes: string[] = []): TopoNode {
  const doc = parseXml(text, { ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'object' || name === 'info', processEntities: true }) as XmlObj;
  const topo = doc.topology as XmlObj | undefined;
  if (!topo || typeof topo !== 'object') throw new Error("not an hwloc topology: the root element must be <topology> (write one with 'lstopo --of xml')");
  const objs = (topo.object as XmlObj[] | undefined) ?? [];
  if (objs.length !== 1) throw new Error(`<topology> must hold exactly one root <object>, found ${objs.length}`);
  const budget = new IoBudget();
  const conv = (o: XmlObj, where: string): TopoNode | null => {
    const rawType = o['@type'];
    if (typeof rawType !== 'string') throw new Error(`${where}: <object> without a type attribute`);
    const type = TYPE_MAP[rawType];
    if (!type) throw new Error(`${where}: unknown hwloc object type '${rawType}' (known: ${Object.keys(TYPE_MAP).join(', ')})`);
    if (type === 'skip') {
      notes.push(`${where} (${rawType}${typeof o['@name'] === 'string' ? ` ${o['@name']}` : ''}): not kept`);
      return null;
    }
    if (type === 'io') throw new Error(`${where}: ${rawType} outside the I/O tree`);
    const io: NonNullable<TopoNode['io']> = [];
    const children: TopoNode[] = [];
    ((o.object as XmlObj[] | undefined) ?? []).forEach((c, i) => {
      const w = `${where}/object[${i}]`;
      if (TYPE_MAP[String(c['@type'])] === 'io') {
        const hb = hostBridgeOf(c, w, budget, notes);
        if (hb) io.push(hb);
      } else {
        const n = conv(c, w);
        if (n) children.push(n);
      }
    });
    const node: TopoNode = { type, children, where: `${where}(${rawType})` };
    if (io.length) node.io = io;
    if (type === 'Cache') node.cache = cacheOf(o, rawType, where);
    if (type === 'MemCache') notes.push(`${where} (MemCache): a memory-side cache is not kept`);
    if (type === 'NUMANode') {
      const mem = o['@local_memory'];
      if (mem !== undefined) {
        const n = Number(mem);
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${where}: local_memory ${JSON.stringify(mem)} is not a byte count`);
        node.memoryBytes = n;
      }
    }
    return node;
  };
  const root = conv(objs[0], 'topology/object[0]');
  if (!root || root.type !== 'Machine') throw new Error(`the root object must be a Machine, got '${String(objs[0]['@type'])}'`);
  return root;
}

/**
 * An `<info name=… value=…>` lstopo records (HostName, Architecture, CPUModel), the first one, if
 * any, with runs of blanks made one: lstopo copies /proc/cpuinfo's model name with its padding.
 */
function infoOf(text: string, name: string): string | undefined {
  const v = new RegExp(`<info\\s+name="${name}"\\s+value="([^"]*)"`).exec(text)?.[1];
  if (v === undefined) return undefined;
  const plain = v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return plain.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/**
 * A new workspace from lstopo's XML. The host is simulated as POWER9 whatever it was; the
 * source machine's name, architecture and CPU model are kept as `host.source`, with notes on
 * what had to be assumed or could not be kept (Misc objects, memory-side caches, caches that span
 * packages, I/O outside host bridges), also pushed on `notes`.
 */
export function importHwlocXml(text: string, workspaceName?: string, notes: string[] = []): Workspace {
  const root = parseHwlocXml(text, notes);
  const rawName = infoOf(text, 'HostName');
  const hostName = sanitizeName(rawName, 'host');
  const host = treeToHost(root, hostName, notes);
  const architecture = infoOf(text, 'Architecture')?.slice(0, 64);
  const cpuModel = infoOf(text, 'CPUModel');
  const kept = boundNotes(notes);
  host.source = {
    from: 'hwloc-xml',
    ...(rawName !== undefined ? { hostName: rawName } : {}),
    ...(architecture ? { architecture } : {}),
    ...(cpuModel ? { cpuModel } : {}),
    ...(kept.length ? { notes: kept } : {}),
  };
  return workspaceForHost(host, workspaceName ?? hostName);
}

/** `0x0000000f`, or 32-bit words most significant first: `0xffffffff,0xffffffff`. */
export function hwlocCpuset(cpus: readonly number[]): string {
  const max = cpus.length ? Math.max(...cpus) : 0;
  const words = new Array<number>(Math.floor(max / 32) + 1).fill(0);
  for (const c of cpus) words[Math.floor(c / 32)] = (words[Math.floor(c / 32)] | (1 << (c % 32))) >>> 0;
  return words
    .reverse()
    .map((w) => '0x' + w.toString(16).padStart(8, '0'))
    .join(',');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** hwloc's cache_type and object type name of a level (L1Cache is a data or unified L1, L1iCache an instruction one). */
const CACHE_TYPE_CODE = { unified: 0, data: 1, instruction: 2 } as const;
const cacheObjectType = (c: CacheLevel) => `L${c.level}${c.type === 'instruction' ? 'i' : ''}Cache`;

/** PCIe GB/s per lane by generation, as hwloc computes pci_link_speed (GT/s × encoding ÷ 8). */
const PCIE_LANE_GBPS = [0, 0.25, 0.5, 8 * (128 / 130) / 8, 16 * (128 / 130) / 8, 32 * (128 / 130) / 8, 64 * (242 / 256) / 8];

/** What an export adds to the host: parameter overrides (the POWER9 cache figures) and MHI modems to place on PCI. */
export interface HwlocExtras {
  params?: Readonly<Record<string, unknown>>;
  mhi?: readonly MhiController[];
}

/**
 * hwloc 2 XML of a host, as lstopo would write it: Machine → Package → NUMANode, caches (outermost
 * first) → Core → PU with Linux CPU numbering, then the package's host bridges; host bridges of
 * the machine last. An MHI controller whose PCI function the host's I/O does not list gets a host
 * bridge of its own on its socket.
 */
export function exportHwlocXml(host: Host, extras: HwlocExtras = {}): string {
  const t = host.threadsPerCore;
  const levels = cacheNestingOrder(hostCaches(host, extras.params));
  let gpIndex = 1;
  const gp = () => gpIndex++;
  const lines: string[] = [];
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const total = host.sockets.reduce((n, s) => n + s.cores, 0) * t;
  const all = range(0, total);
  const sets = (cpus: number[], ns: string) => `cpuset="${hwlocCpuset(cpus)}" complete_cpuset="${hwlocCpuset(cpus)}" nodeset="${ns}" complete_nodeset="${ns}"`;
  const allNodes = hwlocCpuset(range(0, host.sockets.length));
  const bridges = [...(host.io ?? [])];
  const listed = new Set(pciFunctions(host.io).map((f) => f.fn.busid));
  (extras.mhi ?? []).forEach((m, i) => {
    const busid = mhiPciBusId(extras.mhi!, i);
    if (listed.has(busid)) return;
    const [domain, bus] = busid.split(':');
    const b = parseInt(bus, 16);
    const id = `${MHI_PCI_ID.vendor}:${MHI_PCI_ID.device}`.split(':');
    bridges.push({
      socket: m.socket,
      buses: { domain, first: b, last: b },
      children: [{ busid, classId: MHI_PCI_ID.classId, vendor: id[0], device: id[1], subvendor: id[0], subdevice: id[1], revision: '00', linkGBps: Number((PCIE_LANE_GBPS[m.pcieGen] * m.pcieWidth).toFixed(6)), info: [{ name: 'MHIController', value: m.name }] }],
    });
  });
  lines.push('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE topology SYSTEM "hwloc2.dtd">', '<topology version="2.0">');
  lines.push(`  <object type="Machine" os_index="0" cpuset="${hwlocCpuset(all)}" complete_cpuset="${hwlocCpuset(all)}" allowed_cpuset="${hwlocCpuset(all)}" nodeset="${allNodes}" complete_nodeset="${allNodes}" allowed_nodeset="${allNodes}" gp_index="${gp()}">`);
  lines.push(`    <info name="HostName" value="${esc(host.name)}"/>`, '    <info name="Architecture" value="ppc64le"/>', '    <info name="Backend" value="TopologyWorkbench"/>');
  let firstCore = 0;
  host.sockets.forEach((s, si) => {
    const cpus = range(firstCore * t, s.cores * t);
    const ns = hwlocCpuset([si]);
    lines.push(`    <object type="Package" os_index="${si}" ${sets(cpus, ns)} gp_index="${gp()}">`);
    lines.push('      <info name="CPUModel" value="POWER9"/>');
    lines.push(`      <object type="NUMANode" os_index="${si}" ${sets(cpus, ns)} gp_index="${gp()}" local_memory="${s.memoryBytes}"/>`);
    // Cores [from, from + n) below cache level li (levels outermost first; an inner level's sharing divides the outer's).
    const emit = (from: number, n: number, li: number, pad: string) => {
      if (li === levels.length) {
        for (let core = from; core < from + n; core++) {
          const ccpus = range(core * t, t);
          lines.push(`${pad}<object type="Core" os_index="${core}" ${sets(ccpus, ns)} gp_index="${gp()}">`);
          for (const pu of ccpus) lines.push(`${pad}  <object type="PU" os_index="${pu}" ${sets([pu], ns)} gp_index="${gp()}"/>`);
          lines.push(`${pad}</object>`);
        }
        return;
      }
      const c = levels[li];
      for (let k = 0; k < n; k += c.cores) {
        const m = Math.min(c.cores, n - k);
        lines.push(`${pad}<object type="${cacheObjectType(c)}" ${sets(range((from + k) * t, m * t), ns)} gp_index="${gp()}" cache_size="${c.sizeBytes}" depth="${c.level}" cache_linesize="${c.lineBytes}" cache_associativity="${c.ways}" cache_type="${CACHE_TYPE_CODE[c.type]}">`);
        if (c.inclusive !== undefined) lines.push(`${pad}  <info name="Inclusive" value="${c.inclusive ? 1 : 0}"/>`);
        emit(from + k, m, li + 1, pad + '  ');
        lines.push(`${pad}</object>`);
      }
    };
    emit(firstCore, s.cores, 0, '      ');
    firstCore += s.cores;
    lines.push(...ioXml(bridges.filter((b) => b.socket === si), 6, gp));
    lines.push('    </object>');
  });
  lines.push(...ioXml(bridges.filter((b) => b.socket === undefined), 4, gp));
  lines.push('  </object>', '</topology>', '');
  return lines.join('\n');
}

/** A workspace's host as hwloc XML: its parameter overrides and MHI modems included (`twb export hwloc`, the app's export). */
export function exportWorkspaceHwloc(ws: Pick<Workspace, 'host' | 'params' | 'devices'>): string {
  return exportHwlocXml(ws.host, { params: ws.params, mhi: ws.devices.mhi });
}
