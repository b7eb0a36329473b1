import { parseXml } from './xml-check';
import { NODES, VCPUS, formatCpuset, parseCpuset } from '../../../src-common/parse/cpuset';
import { LIMITS } from '../../../src-common/parse/limits';
import { clip, quote } from '../../../src-common/parse/quote';
import { NUMA_MODES, guestSchema, hostCpuCount, issuesToFieldErrors, vcpuCount, type Guest, type Host, type NumaMode } from '../../../src-common/workspace';
import { sanitizeName } from './topology-tree';

/**
 * libvirt domain XML ↔ a workspace guest (docs/architecture.md §3.2, docs/import-export.md):
 * `<name>`, `<memory unit>`, `<memoryBacking>` (`<hugepages><page size unit nodeset>`,
 * `<nosharepages/>` = KSM off), `<vcpu cpuset>N</vcpu>` (its cpuset is libvirt's default for
 * every vCPU without a `<vcpupin>`, for the emulator without `<emulatorpin>` and for IOThreads
 * without `<iothreadpin>`: imports make it explicit), `<iothreads>`, `<cputune>` (`<vcpupin>`,
 * `<emulatorpin>`, `<iothreadpin>`), `<numatune>` (`<memory mode nodeset>`, `<memnode>`),
 * `<os><type arch>` (ppc64* → radix MMU, otherwise TDP), `<cpu>` (`<topology>`, `<numa><cell>`).
 * THP is a host setting libvirt does not describe: imported guests have it on. Every other
 * element or attribute is named in a warning: it is not modelled and an export leaves it out.
 */
const UNIT: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  k: 1024,
  kib: 1024,
  mb: 1e6,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1e9,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1e12,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Elements that repeat (kept as arrays whatever their count). */
const REPEATED = new Set(['vcpupin', 'iothreadpin', 'memnode', 'cell', 'page']);

/**
 * What the importer reads, element by element (`@x` an attribute, `#text` the text): anything
 * else in a domain is reported, by path, as not modelled. `true` accepts the node and all below.
 */
type Known = { [k: string]: Known | true };
const KNOWN: Known = {
  '@type': true,
  name: { '#text': true },
  memory: { '@unit': true, '#text': true },
  memoryBacking: { hugepages: { page: { '@size': true, '@unit': true, '@nodeset': true } }, nosharepages: {} },
  vcpu: { '@placement': true, '@cpuset': true, '#text': true },
  iothreads: { '#text': true },
  cputune: { vcpupin: { '@vcpu': true, '@cpuset': true }, emulatorpin: { '@cpuset': true }, iothreadpin: { '@iothread': true, '@cpuset': true } },
  numatune: { memory: { '@mode': true, '@nodeset': true, '@placement': true }, memnode: { '@cellid': true, '@mode': true, '@nodeset': true } },
  os: { type: { '@arch': true, '@machine': true, '#text': true } },
  cpu: { topology: { '@sockets': true, '@dies': true, '@cores': true, '@threads': true }, numa: { cell: { '@id': true, '@cpus': true, '@memory': true, '@unit': true } } },
};

/** At most this many warnings are listed; the rest are counted. */
const MAX_WARNINGS = 40;

type X = Record<string, unknown>;
const attr = (o: unknown, name: string): string | undefined => (o && typeof o === 'object' ? ((o as X)[`@${name}`] as string | undefined) : undefined);
const text = (o: unknown): string | undefined => (typeof o === 'string' || typeof o === 'number' ? String(o) : o && typeof o === 'object' ? ((o as X)['#text'] as string | undefined)?.toString() : undefined);
const list = (o: unknown): X[] => (Array.isArray(o) ? (o as X[]) : []);

function int(v: string | undefined, field: string): number {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) throw new Error(`${field}: expected a whole number, got ${v === undefined ? 'nothing' : quote(v)}`);
  return Number(v);
}

function bytesOf(value: string | undefined, unit: string | undefined, field: string, defaultUnit = 'KiB'): number {
  const u = (unit ?? defaultUnit).toLowerCase();
  if (!(u in UNIT)) throw new Error(`${field}/@unit: unknown unit ${quote(unit ?? '')}`);
  const n = int(value, field) * UNIT[u];
  if (!Number.isSafeInteger(n)) throw new Error(`${field}: ${clip(String(value).trim(), 20)} ${unit ?? defaultUnit} is too large`);
  return n;
}

/** Elements and attributes the model does not use, by path (`domain/devices`, `domain/vcpu/@current`). */
function unknownParts(node: unknown, known: Known, path: string, out: string[]): void {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as X)) {
    const spec = known[k];
    if (spec === undefined) {
      out.push(k.startsWith('@') ? `${path}/${k}` : k === '#text' ? `${path} (text)` : `${path}/${k}`);
      continue;
    }
    if (spec === true) continue;
    for (const item of Array.isArray(v) ? v : [v]) unknownParts(item, spec, `${path}/${k}`, out);
  }
}

function numaMode(v: string | undefined, field: string): NumaMode {
  const mode = v ?? 'strict';
  if (!(NUMA_MODES as readonly string[]).includes(mode)) throw new Error(`${field}: expected one of ${NUMA_MODES.join(', ')}, got ${quote(mode)}`);
  return mode as NumaMode;
}

/**
 * A guest from a libvirt domain. `host` bounds the cpusets and nodesets (without one, libvirt's
 * own limits do). What the model does not use is pushed on `warnings`, one line per element.
 */
export function importLibvirtXml(xml: string, host?: Host, warnings: string[] = []): Guest {
  const doc = parseXml(xml, { ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => REPEATED.has(n), parseTagValue: false, parseAttributeValue: false }) as X;
  const d = doc.domain as X | undefined;
  if (!d || typeof d !== 'object') throw new Error('not a libvirt domain: the root element must be <domain>');
  const warn = (w: string) => warnings.push(w);
  const name = text(d.name);
  if (!name) throw new Error('domain/name: missing');
  const memoryBytes = bytesOf(text(d.memory), attr(d.memory, 'unit'), 'domain/memory');
  const vcpus = int(text(d.vcpu), 'domain/vcpu');
  // Checked before anything is built per vCPU (a 98-byte file could ask for 12 million).
  if (vcpus < 1 || vcpus > LIMITS.vcpusPerGuest.value) throw new Error(`domain/vcpu: expected 1..${LIMITS.vcpusPerGuest.value} vCPUs (libvirt's QEMU maximum), got ${clip(text(d.vcpu)!.trim(), 20)}`);
  const cpu = d.cpu as X | undefined;
  const topo = cpu?.topology;
  let smp = { sockets: 1, cores: vcpus, threads: 1 };
  if (topo) {
    const dies = attr(topo, 'dies') === undefined ? 1 : int(attr(topo, 'dies'), 'domain/cpu/topology/@dies');
    smp = {
      sockets: int(attr(topo, 'sockets'), 'domain/cpu/topology/@sockets') * dies,
      cores: int(attr(topo, 'cores'), 'domain/cpu/topology/@cores'),
      threads: int(attr(topo, 'threads'), 'domain/cpu/topology/@threads'),
    };
    if (smp.sockets * smp.cores * smp.threads !== vcpus)
      throw new Error(`domain/cpu/topology: sockets × dies × cores × threads = ${smp.sockets * smp.cores * smp.threads}, but <vcpu> is ${vcpus}`);
    if (dies > 1) warn(`domain/cpu/topology/@dies: ${dies} dies per socket are kept as ${smp.sockets} sockets`);
  }
  const maxCpu = host ? hostCpuCount(host) : undefined;
  const maxNode = host ? host.sockets.length : LIMITS.nodesetNode.value;
  const checked = (s: string | undefined, field: string, nodes = false) => {
    if (s === undefined) throw new Error(`${field}: missing`);
    try {
      return formatCpuset(nodes ? parseCpuset(s, maxNode, NODES) : parseCpuset(s, maxCpu));
    } catch (e) {
      throw new Error(`${field}: ${(e as Error).message}`, { cause: e });
    }
  };
  const cputune = (d.cputune ?? {}) as X;
  const pins = new Map<number, string>();
  list(cputune.vcpupin).forEach((p, i) => {
    const v = int(attr(p, 'vcpu'), `domain/cputune/vcpupin[${i}]/@vcpu`);
    if (v >= vcpus) throw new Error(`domain/cputune/vcpupin[${i}]/@vcpu: expected 0..${vcpus - 1}, got ${v}`);
    pins.set(v, checked(attr(p, 'cpuset'), `domain/cputune/vcpupin[${i}]/@cpuset`));
  });
  const vcpuPlacement = attr(d.vcpu, 'placement');
  if (vcpuPlacement === 'auto') warn("domain/vcpu/@placement: 'auto' (numad decides) is not modelled; vCPUs without <vcpupin> float");
  const defaultSet = attr(d.vcpu, 'cpuset') === undefined ? undefined : checked(attr(d.vcpu, 'cpuset'), 'domain/vcpu/@cpuset');
  if (defaultSet !== undefined) for (let v = 0; v < vcpus; v++) if (!pins.has(v)) pins.set(v, defaultSet);

  const iothreads = d.iothreads === undefined ? undefined : int(text(d.iothreads), 'domain/iothreads');
  if (iothreads !== undefined && iothreads > LIMITS.iothreads.value) throw new Error(`domain/iothreads: expected at most ${LIMITS.iothreads.value}, got ${iothreads}`);
  const emulatorpin = cputune.emulatorpin === undefined ? defaultSet : checked(attr(cputune.emulatorpin, 'cpuset'), 'domain/cputune/emulatorpin/@cpuset');
  const iothreadPins = new Map<number, string>();
  const iopins = list(cputune.iothreadpin);
  if (iopins.length > LIMITS.iothreads.value) throw new Error(`domain/cputune/iothreadpin: expected at most ${LIMITS.iothreads.value}, got ${iopins.length}`);
  iopins.forEach((p, i) => {
    const id = int(attr(p, 'iothread'), `domain/cputune/iothreadpin[${i}]/@iothread`);
    if (id < 1 || id > (iothreads ?? 0)) throw new Error(`domain/cputune/iothreadpin[${i}]/@iothread: ${iothreads ? `expected 1..${iothreads}` : 'the domain has no <iothreads>'}, got ${id}`);
    iothreadPins.set(id, checked(attr(p, 'cpuset'), `domain/cputune/iothreadpin[${i}]/@cpuset`));
  });
  if (defaultSet !== undefined) for (let t = 1; t <= (iothreads ?? 0); t++) if (!iothreadPins.has(t)) iothreadPins.set(t, defaultSet);

  const cells = list((cpu?.numa as X | undefined)?.cell);
  if (cells.length > LIMITS.guestNumaCells.value) throw new Error(`domain/cpu/numa/cell: expected at most ${LIMITS.guestNumaCells.value} cells, got ${cells.length}`);
  const numaCells = cells.map((c, i) => {
    const field = `domain/cpu/numa/cell[${i}]`;
    const cpus = attr(c, 'cpus');
    if (cpus === undefined) throw new Error(`${field}/@cpus: missing`);
    let list: string;
    try {
      list = formatCpuset(parseCpuset(cpus, vcpus, VCPUS));
    } catch (e) {
      throw new Error(`${field}/@cpus: ${(e as Error).message}`, { cause: e });
    }
    return { id: int(attr(c, 'id') ?? String(i), `${field}/@id`), cpus: list, memoryBytes: bytesOf(attr(c, 'memory'), attr(c, 'unit'), `${field}/@memory`) };
  });
  // libvirt makes the domain's memory the sum of its cells (virDomainDefPostParseMemory).
  const cellSum = numaCells.reduce((a, c) => a + c.memoryBytes, 0);
  if (numaCells.length && cellSum !== memoryBytes) warn(`domain/memory: ${memoryBytes} bytes, but the NUMA cells hold ${cellSum}; the guest gets the cells' sum, as libvirt does`);

  const numatune = (d.numatune ?? undefined) as X | undefined;
  let memoryBinding: { mode: NumaMode; nodeset: string } | undefined;
  if (numatune && typeof numatune === 'object' && numatune.memory !== undefined) {
    const m = numatune.memory;
    const nodeset = attr(m, 'nodeset');
    if (attr(m, 'placement') === 'static' && nodeset === undefined) throw new Error('domain/numatune/memory/@nodeset: missing (placement static needs one)');
    if (nodeset === undefined) warn(`domain/numatune/memory: no nodeset (placement ${quote(attr(m, 'placement') ?? 'auto')}, numad decides) is not modelled`);
    else memoryBinding = { mode: numaMode(attr(m, 'mode'), 'domain/numatune/memory/@mode'), nodeset: checked(nodeset, 'domain/numatune/memory/@nodeset', true) };
  }
  const memnodes = numatune && typeof numatune === 'object' ? list(numatune.memnode) : [];
  if (memnodes.length > LIMITS.guestNumaCells.value) throw new Error(`domain/numatune/memnode: expected at most ${LIMITS.guestNumaCells.value}, got ${memnodes.length}`);
  const memnode = memnodes.map((m, i) => ({
    cellid: int(attr(m, 'cellid'), `domain/numatune/memnode[${i}]/@cellid`),
    mode: numaMode(attr(m, 'mode'), `domain/numatune/memnode[${i}]/@mode`),
    nodeset: checked(attr(m, 'nodeset'), `domain/numatune/memnode[${i}]/@nodeset`, true),
  }));

  const backing = d.memoryBacking && typeof d.memoryBacking === 'object' ? (d.memoryBacking as X) : undefined;
  const ksm = !(backing && 'nosharepages' in backing);
  let hugepages: Guest['hugepages'];
  if (backing && 'hugepages' in backing) {
    const pages = list((backing.hugepages as X | undefined)?.page);
    if (pages.length > LIMITS.guestNumaCells.value) throw new Error(`domain/memoryBacking/hugepages/page: expected at most ${LIMITS.guestNumaCells.value}, got ${pages.length}`);
    hugepages = {
      pages: pages.map((p, i) => {
        const nodeset = attr(p, 'nodeset');
        return { sizeBytes: bytesOf(attr(p, 'size'), attr(p, 'unit'), `domain/memoryBacking/hugepages/page[${i}]/@size`), ...(nodeset !== undefined ? { nodeset: nodeset.trim() } : {}) };
      }),
    };
  }

  const os = d.os as X | undefined;
  const arch = attr(os?.type, 'arch') ?? 'ppc64le';
  const mmu: Guest['mmu'] = arch.startsWith('ppc64') ? 'radix' : 'tdp';
  const machine = attr(os?.type, 'machine');
  if (machine !== undefined && machine !== MACHINE[mmu]) warn(`domain/os/type/@machine: ${quote(machine)} is exported as '${MACHINE[mmu]}'`);
  const type = attr(d, 'type');
  if (type !== undefined && type !== 'kvm') warn(`domain/@type: ${quote(type)} is simulated (and exported) as 'kvm'`);
  if (text(os?.type) !== undefined && text(os?.type) !== 'hvm') warn(`domain/os/type: ${quote(text(os?.type))} is exported as 'hvm'`);

  const unknown: string[] = [];
  unknownParts(d, KNOWN, 'domain', unknown);
  for (const u of [...new Set(unknown)]) warn(`${u}: not modelled; left out of an export`);
  if (warnings.length > MAX_WARNINGS) warnings.splice(MAX_WARNINGS, warnings.length - MAX_WARNINGS, `… and ${warnings.length - MAX_WARNINGS} more`);

  const guest: Guest = {
    name: sanitizeName(name, 'guest'),
    memoryBytes: numaCells.length ? cellSum : memoryBytes,
    smp,
    ksm,
    thp: true,
    vcpupin: [...pins].sort((a, b) => a[0] - b[0]).map(([vcpu, cpuset]) => ({ vcpu, cpuset })),
    mmu,
    bypassGuestPf: false,
    ...(numaCells.length ? { numaCells } : {}),
    ...(memoryBinding || memnode.length ? { numatune: { ...(memoryBinding ? { memory: memoryBinding } : {}), ...(memnode.length ? { memnode } : {}) } } : {}),
    ...(hugepages ? { hugepages } : {}),
    ...(emulatorpin !== undefined ? { emulatorpin } : {}),
    ...(iothreads ? { iothreads } : {}),
    ...(iothreadPins.size ? { iothreadpin: [...iothreadPins].sort((a, b) => a[0] - b[0]).map(([iothread, cpuset]) => ({ iothread, cpuset })) } : {}),
  };
  if (iothreads === 0) warn('domain/iothreads: 0 IOThreads is the same as none');
  const r = guestSchema.safeParse(guest);
  if (!r.success) {
    const e = issuesToFieldErrors(r.error.issues)[0];
    throw new Error(`guest ${e.field}: ${e.detail}`);
  }
  return r.data;
}

const MACHINE: Record<Guest['mmu'], string> = { radix: 'pseries', shadow: 'q35', tdp: 'q35' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const kib = (bytes: number) => Math.ceil(bytes / 1024);

/**
 * A libvirt domain for a workspace guest, elements in the order `virsh dumpxml` writes them;
 * validates with `virt-xml-validate FILE domain`. Importing it gives the guest back.
 */
export function exportLibvirtXml(g: Guest): string {
  const arch = g.mmu === 'radix' ? 'ppc64le' : 'x86_64';
  const lines = ['<domain type="kvm">', `  <name>${esc(g.name)}</name>`, `  <memory unit="KiB">${kib(g.memoryBytes)}</memory>`];
  if (g.hugepages || !g.ksm) {
    lines.push('  <memoryBacking>');
    if (g.hugepages && !g.hugepages.pages.length) lines.push('    <hugepages/>');
    if (g.hugepages?.pages.length) {
      lines.push('    <hugepages>');
      for (const p of g.hugepages.pages) lines.push(`      <page size="${kib(p.sizeBytes)}" unit="KiB"${p.nodeset !== undefined ? ` nodeset="${esc(p.nodeset)}"` : ''}/>`);
      lines.push('    </hugepages>');
    }
    if (!g.ksm) lines.push('    <nosharepages/>');
    lines.push('  </memoryBacking>');
  }
  lines.push(`  <vcpu placement="static">${vcpuCount(g)}</vcpu>`);
  if (g.iothreads) lines.push(`  <iothreads>${g.iothreads}</iothreads>`);
  if (g.vcpupin.length || g.emulatorpin !== undefined || g.iothreadpin?.length) {
    lines.push('  <cputune>');
    for (const p of [...g.vcpupin].sort((a, b) => a.vcpu - b.vcpu)) lines.push(`    <vcpupin vcpu="${p.vcpu}" cpuset="${esc(p.cpuset)}"/>`);
    if (g.emulatorpin !== undefined) lines.push(`    <emulatorpin cpuset="${esc(g.emulatorpin)}"/>`);
    for (const p of [...(g.iothreadpin ?? [])].sort((a, b) => a.iothread - b.iothread)) lines.push(`    <iothreadpin iothread="${p.iothread}" cpuset="${esc(p.cpuset)}"/>`);
    lines.push('  </cputune>');
  }
  if (g.numatune) {
    lines.push('  <numatune>');
    if (g.numatune.memory) lines.push(`    <memory mode="${g.numatune.memory.mode}" nodeset="${esc(g.numatune.memory.nodeset)}"/>`);
    for (const m of [...(g.numatune.memnode ?? [])].sort((a, b) => a.cellid - b.cellid)) lines.push(`    <memnode cellid="${m.cellid}" mode="${m.mode}" nodeset="${esc(m.nodeset)}"/>`);
    lines.push('  </numatune>');
  }
  lines.push('  <os>', `    <type arch="${arch}" machine="${MACHINE[g.mmu]}">hvm</type>`, '  </os>', '  <cpu>', `    <topology sockets="${g.smp.sockets}" cores="${g.smp.cores}" threads="${g.smp.threads}"/>`);
  if (g.numaCells?.length) {
    lines.push('    <numa>');
    for (const c of g.numaCells) lines.push(`      <cell id="${c.id}" cpus="${esc(c.cpus)}" memory="${kib(c.memoryBytes)}" unit="KiB"/>`);
    lines.push('    </numa>');
  }
  lines.push('  </cpu>', '</domain>', '');
  return lines.join('\n');
}
