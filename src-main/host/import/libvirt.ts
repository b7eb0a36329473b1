import { XMLParser } from 'fast-xml-parser';
import { assertWellFormedXml } from './xml-check';
import { formatCpuset, parseCpuset } from '../../../src-common/parse/cpuset';
import { LIMITS } from '../../../src-common/parse/limits';
import { clip, quote } from '../../../src-common/parse/quote';
import { guestSchema, hostCpuCount, issuesToFieldErrors, vcpuCount, type Guest, type Host } from '../../../src-common/workspace';
import { sanitizeName } from './topology-tree';

/**
 * libvirt domain XML ↔ a workspace guest (docs/architecture.md §3.2): `<name>`, `<memory unit=…>`,
 * `<vcpu cpuset=…>N</vcpu>` (its cpuset pins every vCPU without a `<vcpupin>`),
 * `<cputune><vcpupin vcpu cpuset/>`, `<cpu><topology sockets [dies] cores threads/>`,
 * `<memoryBacking><nosharepages/>` (KSM off) and `<os><type arch>` (ppc64* → radix MMU,
 * otherwise TDP). THP is a host setting libvirt does not describe: imported guests have it on.
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

type X = Record<string, unknown>;
const attr = (o: unknown, name: string): string | undefined => (o && typeof o === 'object' ? ((o as X)[`@${name}`] as string | undefined) : undefined);
const text = (o: unknown): string | undefined => (typeof o === 'string' || typeof o === 'number' ? String(o) : o && typeof o === 'object' ? ((o as X)['#text'] as string | undefined)?.toString() : undefined);

function int(v: string | undefined, field: string): number {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) throw new Error(`${field}: expected a whole number, got ${v === undefined ? 'nothing' : quote(v)}`);
  return Number(v);
}

export function importLibvirtXml(xml: string, host?: Host): Guest {
  assertWellFormedXml(xml);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'vcpupin', parseTagValue: false }).parse(xml) as X;
  const d = doc.domain as X | undefined;
  if (!d || typeof d !== 'object') throw new Error('not a libvirt domain: the root element must be <domain>');
  const name = text(d.name);
  if (!name) throw new Error('domain/name: missing');
  const mem = d.memory;
  const memUnit = (attr(mem, 'unit') ?? 'KiB').toLowerCase();
  if (!(memUnit in UNIT)) throw new Error(`domain/memory/@unit: unknown unit '${attr(mem, 'unit')}'`);
  const memoryBytes = int(text(mem), 'domain/memory') * UNIT[memUnit];
  const vcpus = int(text(d.vcpu), 'domain/vcpu');
  // Checked before anything is built per vCPU (a 98-byte file could ask for 12 million).
  if (vcpus < 1 || vcpus > LIMITS.vcpusPerGuest.value) throw new Error(`domain/vcpu: expected 1..${LIMITS.vcpusPerGuest.value} vCPUs (libvirt's QEMU maximum), got ${clip(text(d.vcpu)!.trim(), 20)}`);
  const topo = (d.cpu as X | undefined)?.topology;
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
  }
  const maxCpu = host ? hostCpuCount(host) : undefined;
  const checkSet = (s: string | undefined, field: string) => {
    if (s === undefined) throw new Error(`${field}: missing`);
    try {
      return formatCpuset(parseCpuset(s, maxCpu));
    } catch (e) {
      throw new Error(`${field}: ${(e as Error).message}`, { cause: e });
    }
  };
  const pins = new Map<number, string>();
  const vcpupins = ((d.cputune as X | undefined)?.vcpupin as X[] | undefined) ?? [];
  vcpupins.forEach((p, i) => {
    const v = int(attr(p, 'vcpu'), `domain/cputune/vcpupin[${i}]/@vcpu`);
    if (v >= vcpus) throw new Error(`domain/cputune/vcpupin[${i}]/@vcpu: expected 0..${vcpus - 1}, got ${v}`);
    pins.set(v, checkSet(attr(p, 'cpuset'), `domain/cputune/vcpupin[${i}]/@cpuset`));
  });
  const defaultSet = attr(d.vcpu, 'cpuset');
  if (defaultSet !== undefined) {
    const s = checkSet(defaultSet, 'domain/vcpu/@cpuset');
    for (let v = 0; v < vcpus; v++) if (!pins.has(v)) pins.set(v, s);
  }
  const backing = d.memoryBacking as X | string | undefined;
  const ksm = !(backing && typeof backing === 'object' && 'nosharepages' in backing);
  const arch = attr((d.os as X | undefined)?.type, 'arch') ?? 'ppc64le';
  const guest = {
    name: sanitizeName(name, 'guest'),
    memoryBytes,
    smp,
    ksm,
    thp: true,
    vcpupin: [...pins].sort((a, b) => a[0] - b[0]).map(([vcpu, cpuset]) => ({ vcpu, cpuset })),
    mmu: arch.startsWith('ppc64') ? 'radix' : 'tdp',
    bypassGuestPf: false,
  };
  const r = guestSchema.safeParse(guest);
  if (!r.success) {
    const e = issuesToFieldErrors(r.error.issues)[0];
    throw new Error(`guest ${e.field}: ${e.detail}`);
  }
  return r.data;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A libvirt domain for a workspace guest; validates with `virt-xml-validate FILE domain`. */
export function exportLibvirtXml(g: Guest): string {
  const kib = Math.ceil(g.memoryBytes / 1024);
  const arch = g.mmu === 'radix' ? { arch: 'ppc64le', machine: 'pseries' } : { arch: 'x86_64', machine: 'q35' };
  const lines = [
    '<domain type="kvm">',
    `  <name>${esc(g.name)}</name>`,
    `  <memory unit="KiB">${kib}</memory>`,
    `  <vcpu placement="static">${vcpuCount(g)}</vcpu>`,
  ];
  if (g.vcpupin.length) {
    lines.push('  <cputune>');
    for (const p of [...g.vcpupin].sort((a, b) => a.vcpu - b.vcpu)) lines.push(`    <vcpupin vcpu="${p.vcpu}" cpuset="${esc(p.cpuset)}"/>`);
    lines.push('  </cputune>');
  }
  if (!g.ksm) lines.push('  <memoryBacking>', '    <nosharepages/>', '  </memoryBacking>');
  lines.push(
    '  <os>',
    `    <type arch="${arch.arch}" machine="${arch.machine}">hvm</type>`,
    '  </os>',
    '  <cpu>',
    `    <topology sockets="${g.smp.sockets}" cores="${g.smp.cores}" threads="${g.smp.threads}"/>`,
    '  </cpu>',
    '</domain>',
    '',
  );
  return lines.join('\n');
}
