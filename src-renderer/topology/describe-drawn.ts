import { formatSize } from '../../src-common/parse/size';
import { cacheLabel, hostCaches, mhiPciBusId, pciClassName, pciFunctions, type Workspace } from '../../src-common/workspace';
import { hostTree } from './numbering';

/**
 * What the inspector says about a drawn object the document holds no editable fields for: a cache
 * bar (`cache:L3:4`: its level, size, geometry and the cores it serves) and lstopo's I/O boxes —
 * host bridge, PCI function, OS device — as hwloc described them. Read-only: the host's I/O and
 * caches change by importing another hwloc XML. Null for any other id.
 */
export interface Drawn {
  title: string;
  lines: string[];
}

/** hwloc's cache_associativity: 0 when the OS does not say, -1 for a fully associative cache. */
const waysText = (ways: number) => (ways === 0 ? 'associativity unknown' : ways < 0 ? 'fully associative' : `${ways}-way`);

export function describeDrawn(ws: Workspace, id: string): Drawn | null {
  const [kind, ...rest] = id.split(':');
  if (kind === 'cache') {
    const [name, first] = [rest[0], Number(rest[1])];
    const c = hostCaches(ws.host, ws.params).find((x) => cacheLabel(x) === name);
    // A bar serves a run of its socket's cores (layout-caches groups each socket on its own).
    const cores = hostTree(ws.host).find((s) => s.cores.some((x) => x.logical === first))?.cores ?? [];
    const at = cores.findIndex((x) => x.logical === first);
    if (!c || at < 0) return null;
    const served = cores.slice(at, at + c.cores);
    const pus = served.flatMap((x) => x.pus);
    return {
      title: `${name} cache · ${formatSize(c.sizeBytes).replace(/([KMGT])$/, ' $1iB')}`,
      lines: [
        `${c.type}, ${waysText(c.ways)}, ${c.lineBytes}-byte lines${c.inclusive === undefined ? '' : c.inclusive ? ', inclusive' : ', not inclusive'}`,
        `Shared by core${served.length > 1 ? 's' : ''} L#${served.map((x) => x.logical).join(', L#')} (${pus.length > 1 ? `CPUs ${pus[0]}–${pus.at(-1)}` : `CPU ${pus[0]}`})`,
        ws.host.caches ? 'As the imported hwloc XML describes it.' : 'POWER9 default (host.cache.* parameters).',
      ],
    };
  }
  if (kind === 'hb') {
    const hb = (ws.host.io ?? []).find((b) => `${b.buses.domain}:${b.buses.first}` === rest.join(':'));
    if (!hb) return null;
    return { title: `Host bridge ${hb.buses.domain}`, lines: [`Buses ${hb.buses.first}–${hb.buses.last}`, hb.socket === undefined ? 'Not local to a package (under the machine).' : `Local to package L#${hb.socket}.`] };
  }
  if (kind === 'pci') {
    const busid = rest.join(':');
    const fn = pciFunctions(ws.host.io).find((f) => f.fn.busid === busid)?.fn;
    const mhi = ws.devices.mhi.find((_, i) => mhiPciBusId(ws.devices.mhi, i) === busid);
    if (!fn) return mhi ? { title: `PCI ${busid}`, lines: [`The slot of MHI controller ${mhi.name} on socket ${mhi.socket} (not in the host's imported I/O).`] } : null;
    const info = (fn.info ?? []).map((i) => `${i.name}: ${i.value}`);
    return {
      title: `PCI ${busid} · ${fn.bridge ? 'PCI bridge' : pciClassName(fn.classId)}`,
      lines: [
        `Class ${fn.classId}, vendor ${fn.vendor} device ${fn.device} (subsystem ${fn.subvendor}:${fn.subdevice}), revision ${fn.revision}`,
        ...(fn.linkGBps ? [`Link ${fn.linkGBps} GB/s`] : []),
        ...(fn.bridge ? [`Buses ${fn.bridge.buses.first}–${fn.bridge.buses.last} below it`] : []),
        ...(mhi ? [`MHI controller ${mhi.name} sits in this function.`] : []),
        ...info,
      ],
    };
  }
  if (kind === 'osdev') {
    const name = rest.at(-1)!;
    const busid = rest.slice(0, -1).join(':');
    const d = pciFunctions(ws.host.io)
      .find((f) => f.fn.busid === busid)
      ?.fn.osdevs?.find((o) => o.name === name);
    if (!d) return null;
    return { title: `${d.name} · ${d.type}${d.subtype ? ` (${d.subtype})` : ''}`, lines: [`OS device of PCI ${busid}`, ...(d.info ?? []).map((i) => `${i.name}: ${i.value}`)] };
  }
  return null;
}
