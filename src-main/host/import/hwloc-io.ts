import { LIMITS } from '../../../src-common/parse/limits';
import { quote } from '../../../src-common/parse/quote';
import { OSDEV_TYPES, type HostBridge, type OsDevice, type PciFunction } from '../../../src-common/workspace';

/**
 * hwloc's I/O objects (Bridge, PCIDev, OSDev) ↔ the workspace's `host.io`. In hwloc 2 XML a host
 * bridge is `<object type="Bridge" bridge_type="0-1" bridge_pci="DDDD:[SS-BB]">`, a PCI-to-PCI
 * bridge `bridge_type="1-1"` with the PCI attributes of its upstream function, a PCI function
 * `<object type="PCIDev" pci_busid pci_type="CCCC [VVVV:DDDD] [SVVV:SDDD] RR" pci_link_speed>`, an
 * OS device `<object type="OSDev" name osdev_type>` (0 block, 1 gpu, 2 network, 3 openfabrics,
 * 4 dma, 5 coproc).
 */
type XmlObj = Record<string, unknown>;

const attr = (o: XmlObj, name: string): string | undefined => (typeof o[`@${name}`] === 'string' ? (o[`@${name}`] as string) : undefined);

/** `<info name value>` children, in order, bounded. */
export function infosOf(o: XmlObj): { name: string; value: string }[] {
  const raw = o.info;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as XmlObj[];
  return list
    .map((i) => ({ name: String(attr(i, 'name') ?? '').slice(0, 64), value: String(attr(i, 'value') ?? '').slice(0, 256) }))
    .filter((i) => i.name)
    .slice(0, LIMITS.infoEntries.value);
}

/** Counts I/O objects as they are read, so a file cannot make an unbounded tree. */
export class IoBudget {
  used = 0;
  take(where: string): void {
    if (++this.used > LIMITS.ioObjects.value) throw new Error(`${where}: more than ${LIMITS.ioObjects.value} I/O objects`);
  }
}

function busRange(v: string | undefined, where: string): HostBridge['buses'] {
  const m = /^([0-9a-fA-F]{4}):\[([0-9a-fA-F]{2})-([0-9a-fA-F]{2})\]$/.exec(v ?? '');
  if (!m) throw new Error(`${where}: bridge_pci ${quote(v ?? '')} is not DDDD:[SS-BB]`);
  return { domain: m[1].toLowerCase(), first: parseInt(m[2], 16), last: parseInt(m[3], 16) };
}

function pciAttrs(o: XmlObj, where: string): Omit<PciFunction, 'info' | 'osdevs' | 'bridge'> {
  const busid = attr(o, 'pci_busid')?.toLowerCase();
  if (!busid || !/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/.test(busid)) throw new Error(`${where}: pci_busid ${quote(attr(o, 'pci_busid') ?? '')} is not DDDD:BB:DD.F`);
  const t = /^([0-9a-fA-F]{4}) \[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\] \[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\] ([0-9a-fA-F]{2})$/.exec(attr(o, 'pci_type') ?? '');
  if (!t) throw new Error(`${where}: pci_type ${quote(attr(o, 'pci_type') ?? '')} is not 'CCCC [VVVV:DDDD] [SVVV:SDDD] RR'`);
  const speed = Number(attr(o, 'pci_link_speed') ?? '0');
  if (!Number.isFinite(speed) || speed < 0 || speed > 1024) throw new Error(`${where}: pci_link_speed ${quote(attr(o, 'pci_link_speed') ?? '')} is not a speed in GB/s`);
  const [, classId, vendor, device, subvendor, subdevice, revision] = t.map((x) => x.toLowerCase());
  return { busid, classId, vendor, device, subvendor, subdevice, revision, linkGBps: speed };
}

function osDevice(o: XmlObj, where: string, budget: IoBudget): OsDevice {
  budget.take(where);
  const name = attr(o, 'name');
  if (!name) throw new Error(`${where}: OS device without a name`);
  const n = Number(attr(o, 'osdev_type'));
  const type = OSDEV_TYPES[n];
  if (!Number.isInteger(n) || !type) throw new Error(`${where}: osdev_type ${quote(attr(o, 'osdev_type') ?? '')} is not 0..${OSDEV_TYPES.length - 1}`);
  const subtype = attr(o, 'subtype');
  const info = infosOf(o);
  return { name: name.slice(0, 64), type, ...(subtype ? { subtype: subtype.slice(0, 64) } : {}), ...(info.length ? { info } : {}) };
}

const children = (o: XmlObj) => (o.object as XmlObj[] | undefined) ?? [];

/** A PCI function (or PCI-to-PCI bridge) and what hangs below it; `warnings` gets what is dropped. */
function pciFunction(o: XmlObj, where: string, depth: number, budget: IoBudget, warnings: string[]): PciFunction {
  budget.take(where);
  const type = o['@type'];
  const fn: PciFunction = pciAttrs(o, where);
  const info = infosOf(o);
  if (info.length) fn.info = info;
  const osdevs: OsDevice[] = [];
  const below: PciFunction[] = [];
  children(o).forEach((c, i) => {
    const w = `${where}/object[${i}]`;
    if (c['@type'] === 'OSDev') osdevs.push(osDevice(c, w, budget));
    else if (type === 'Bridge' && (c['@type'] === 'PCIDev' || c['@type'] === 'Bridge')) {
      if (depth >= LIMITS.ioDepth.value) throw new Error(`${w}: PCI bridges nested more than ${LIMITS.ioDepth.value} deep`);
      below.push(pciFunction(c, w, depth + 1, budget, warnings));
    } else warnings.push(`${w} (${String(c['@type'])}): not kept (only OS devices and, below bridges, PCI functions are)`);
  });
  if (osdevs.length) fn.osdevs = osdevs;
  if (type === 'Bridge') fn.bridge = { buses: busRange(attr(o, 'bridge_pci'), where), children: below };
  return fn;
}

/** An I/O object found below a CPU-side object: a host bridge (kept), or anything else (dropped, with a warning). */
export function hostBridgeOf(o: XmlObj, where: string, budget: IoBudget, warnings: string[]): Omit<HostBridge, 'socket'> | null {
  const type = o['@type'];
  if (type === 'Bridge' && attr(o, 'bridge_type')?.startsWith('0-')) {
    budget.take(where);
    return { buses: busRange(attr(o, 'bridge_pci'), where), children: children(o).map((c, i) => pciFunction(c, `${where}/object[${i}]`, 1, budget, warnings)) };
  }
  warnings.push(`${where} (${String(type)}${attr(o, 'name') ? ` ${attr(o, 'name')}` : ''}): not kept (I/O is kept below host bridges)`);
  return null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const bridgePci = (b: HostBridge['buses']) => `${b.domain}:[${hex2(b.first)}-${hex2(b.last)}]`;

/** hwloc 2 XML lines of host bridges, `pad` spaces in; `gp` hands out gp_index values. */
export function ioXml(bridges: readonly HostBridge[], pad: number, gp: () => number): string[] {
  const out: string[] = [];
  const infos = (info: readonly { name: string; value: string }[] | undefined, p: string) => (info ?? []).map((i) => `${p}<info name="${esc(i.name)}" value="${esc(i.value)}"/>`);
  const pci = (f: PciFunction, indent: number, depth: number) => {
    const p = ' '.repeat(indent);
    const common = `pci_busid="${f.busid}" pci_type="${f.classId} [${f.vendor}:${f.device}] [${f.subvendor}:${f.subdevice}] ${f.revision}" pci_link_speed="${f.linkGBps.toFixed(6)}"`;
    const head = f.bridge ? `<object type="Bridge" gp_index="${gp()}" bridge_type="1-1" depth="${depth}" bridge_pci="${bridgePci(f.bridge.buses)}" ${common}` : `<object type="PCIDev" gp_index="${gp()}" ${common}`;
    const inner = [...infos(f.info, p + '  ')];
    for (const d of f.osdevs ?? []) {
      const dev = `${p}  <object type="OSDev" gp_index="${gp()}"${d.subtype ? ` subtype="${esc(d.subtype)}"` : ''} name="${esc(d.name)}" osdev_type="${OSDEV_TYPES.indexOf(d.type)}"`;
      const di = infos(d.info, p + '    ');
      inner.push(...(di.length ? [`${dev}>`, ...di, `${p}  </object>`] : [`${dev}/>`]));
    }
    const sub: string[] = [];
    if (f.bridge) {
      const save = out.length;
      for (const c of f.bridge.children) pci(c, indent + 2, depth + 1);
      sub.push(...out.splice(save));
    }
    if (!inner.length && !sub.length) out.push(`${p}${head}/>`);
    else out.push(`${p}${head}>`, ...inner, ...sub, `${p}</object>`);
  };
  for (const b of bridges) {
    const p = ' '.repeat(pad);
    out.push(`${p}<object type="Bridge" gp_index="${gp()}" bridge_type="0-1" depth="0" bridge_pci="${bridgePci(b.buses)}">`);
    for (const f of b.children) pci(f, pad + 2, 1);
    out.push(`${p}</object>`);
  }
  return out;
}
