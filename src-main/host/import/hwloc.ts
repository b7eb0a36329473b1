import { XMLParser } from 'fast-xml-parser';
import { assertWellFormedXml } from './xml-check';
import type { Host, Workspace } from '../../../src-common/workspace';
import { sanitizeName, treeToHost, workspaceForHost, type TopoNode } from './topology-tree';

/**
 * hwloc XML as `lstopo --of xml` writes it (hwloc 2.x, and 1.x's Socket/Cache/nested NUMANode
 * form). Object types the POWER9 model has no place for are an error; I/O objects (bridges,
 * PCI and OS devices) and Misc are skipped, as is every non-object element (info, page_type,
 * distances, support, memattrs).
 */
const TYPE_MAP: Record<string, TopoNode['type'] | 'skip'> = {
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
  Bridge: 'skip',
  PCIDev: 'skip',
  OSDev: 'skip',
  Misc: 'skip',
};

type XmlObj = Record<string, unknown>;

export function parseHwlocXml(text: string): TopoNode {
  assertWellFormedXml(text);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'object', processEntities: true }).parse(text) as XmlObj;
  const topo = doc.topology as XmlObj | undefined;
  if (!topo || typeof topo !== 'object') throw new Error("not an hwloc topology: the root element must be <topology> (write one with 'lstopo --of xml')");
  const objs = (topo.object as XmlObj[] | undefined) ?? [];
  if (objs.length !== 1) throw new Error(`<topology> must hold exactly one root <object>, found ${objs.length}`);
  const conv = (o: XmlObj, where: string): TopoNode | null => {
    const rawType = o['@type'];
    if (typeof rawType !== 'string') throw new Error(`${where}: <object> without a type attribute`);
    const type = TYPE_MAP[rawType];
    if (!type) throw new Error(`${where}: unknown hwloc object type '${rawType}' (known: ${Object.keys(TYPE_MAP).join(', ')})`);
    if (type === 'skip') return null;
    const children = ((o.object as XmlObj[] | undefined) ?? []).map((c, i) => conv(c, `${where}/object[${i}]`)).filter((c): c is TopoNode => c !== null);
    const node: TopoNode = { type, children, where: `${where}(${rawType})` };
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

/** An `<info name=… value=…>` lstopo records (HostName, Architecture, CPUModel), the first one, if any. */
function infoOf(text: string, name: string): string | undefined {
  const v = new RegExp(`<info\\s+name="${name}"\\s+value="([^"]*)"`).exec(text)?.[1];
  return v === undefined ? undefined : v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').slice(0, 255);
}

/**
 * A new workspace from lstopo's XML. The host is simulated as POWER9 whatever it was; the
 * source machine's name, architecture and CPU model are kept as `host.source`, with notes on
 * what had to be assumed.
 */
export function importHwlocXml(text: string, workspaceName?: string): Workspace {
  const root = parseHwlocXml(text);
  const rawName = infoOf(text, 'HostName');
  const hostName = sanitizeName(rawName, 'host');
  const notes: string[] = [];
  const host = treeToHost(root, hostName, notes);
  const architecture = infoOf(text, 'Architecture')?.slice(0, 64);
  const cpuModel = infoOf(text, 'CPUModel');
  host.source = {
    from: 'hwloc-xml',
    ...(rawName !== undefined ? { hostName: rawName } : {}),
    ...(architecture ? { architecture } : {}),
    ...(cpuModel ? { cpuModel } : {}),
    ...(notes.length ? { notes } : {}),
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

/** hwloc 2 XML of a host: Machine → Package → (NUMANode, Core → PU), Linux CPU numbering. */
export function exportHwlocXml(host: Host): string {
  const t = host.threadsPerCore;
  const all: number[] = [];
  let core = 0;
  let gp = 1;
  const lines: string[] = [];
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  const total = host.sockets.reduce((n, s) => n + s.cores, 0) * t;
  all.push(...range(0, total));
  const nodeset = (nodes: number[]) => hwlocCpuset(nodes);
  const allNodes = range(0, host.sockets.length);
  lines.push('<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE topology SYSTEM "hwloc2.dtd">', '<topology version="2.0">');
  lines.push(`  <object type="Machine" os_index="0" cpuset="${hwlocCpuset(all)}" complete_cpuset="${hwlocCpuset(all)}" allowed_cpuset="${hwlocCpuset(all)}" nodeset="${nodeset(allNodes)}" complete_nodeset="${nodeset(allNodes)}" allowed_nodeset="${nodeset(allNodes)}" gp_index="${gp++}">`);
  lines.push(`    <info name="HostName" value="${esc(host.name)}"/>`, '    <info name="Architecture" value="ppc64le"/>', '    <info name="Backend" value="TopologyWorkbench"/>');
  host.sockets.forEach((s, si) => {
    const cpus = range(core * t, s.cores * t);
    const ns = nodeset([si]);
    lines.push(`    <object type="Package" os_index="${si}" cpuset="${hwlocCpuset(cpus)}" complete_cpuset="${hwlocCpuset(cpus)}" nodeset="${ns}" complete_nodeset="${ns}" gp_index="${gp++}">`);
    lines.push('      <info name="CPUModel" value="POWER9"/>');
    lines.push(`      <object type="NUMANode" os_index="${si}" cpuset="${hwlocCpuset(cpus)}" complete_cpuset="${hwlocCpuset(cpus)}" nodeset="${ns}" complete_nodeset="${ns}" gp_index="${gp++}" local_memory="${s.memoryBytes}"/>`);
    for (let c = 0; c < s.cores; c++, core++) {
      const ccpus = range(core * t, t);
      lines.push(`      <object type="Core" os_index="${core}" cpuset="${hwlocCpuset(ccpus)}" complete_cpuset="${hwlocCpuset(ccpus)}" nodeset="${ns}" complete_nodeset="${ns}" gp_index="${gp++}">`);
      for (const pu of ccpus) lines.push(`        <object type="PU" os_index="${pu}" cpuset="${hwlocCpuset([pu])}" complete_cpuset="${hwlocCpuset([pu])}" nodeset="${ns}" complete_nodeset="${ns}" gp_index="${gp++}"/>`);
      lines.push('      </object>');
    }
    lines.push('    </object>');
  });
  lines.push('  </object>', '</topology>', '');
  return lines.join('\n');
}
