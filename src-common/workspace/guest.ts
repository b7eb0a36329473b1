import { z } from 'zod';
import { quote } from '../parse/quote';
import { CELLS, VCPUS, formatCpuset, parseCpuset } from '../parse/cpuset';
import { bool, bytes, intIn, name } from './fields';
import { LIMITS, atMost } from '../parse/limits';

export const MMU_MODES = ['radix', 'shadow', 'tdp'] as const;

/** A libvirt cpuset or nodeset string (`0-3`, `1-4,^2`); what it may name is checked against the host. */
const setText = (what: string) =>
  z
    .string({ error: (iss) => `expected a ${what} string, got ${quote(iss.input)}` })
    .max(LIMITS.cpusetChars.value, { error: (iss) => `expected a ${what} of ${atMost('cpusetChars')}, got ${(iss.input as string).length}` });

export const vcpuPinSchema = z.strictObject({
  vcpu: intIn(0, LIMITS.vcpusPerGuest.value - 1),
  /** libvirt cpuset syntax, e.g. `0-3` or `1-4,^2`. */
  cpuset: setText('cpuset'),
});

/**
 * libvirt's NUMA memory modes (`<numatune><memory mode>`, `<memnode mode>`): strict (MPOL_BIND),
 * preferred (MPOL_PREFERRED), interleave (MPOL_INTERLEAVE), restrictive (the cgroup's
 * cpuset.mems only, the default policy inside it).
 */
export const NUMA_MODES = ['strict', 'preferred', 'interleave', 'restrictive'] as const;
const numaMode = z.enum(NUMA_MODES, { error: (iss) => `expected one of ${NUMA_MODES.join(', ')}, got ${quote(iss.input)}` });

/** A guest NUMA cell (`<cpu><numa><cell id cpus memory/>`): which vCPUs and how much of the guest's memory. */
export const numaCellSchema = z.strictObject({
  id: intIn(0, LIMITS.guestNumaCells.value - 1),
  /** vCPU numbers, in cpuset syntax. */
  cpus: setText('vCPU list'),
  memoryBytes: bytes(),
});

export const memoryBindingSchema = z.strictObject({
  mode: numaMode,
  /** Host NUMA nodes (one per socket), in cpuset syntax. */
  nodeset: setText('nodeset'),
});

/** Host memory binding of one guest cell (`<numatune><memnode cellid mode nodeset/>`). */
export const memnodeSchema = z.strictObject({
  cellid: intIn(0, LIMITS.guestNumaCells.value - 1),
  mode: numaMode,
  nodeset: setText('nodeset'),
});

export const numatuneSchema = z.strictObject({
  /** The whole guest's binding (`<numatune><memory mode nodeset/>`). */
  memory: memoryBindingSchema.optional(),
  memnode: z.array(memnodeSchema).max(LIMITS.guestNumaCells.value, { error: `expected ${atMost('guestNumaCells')}` }).optional(),
});

/** One `<memoryBacking><hugepages><page size nodeset/>`: the page size for the guest cells of nodeset (all cells without one). */
export const hugepageSchema = z.strictObject({
  sizeBytes: bytes(4096),
  /** Guest NUMA cell ids, in cpuset syntax; absent: every cell no other page names. */
  nodeset: setText('nodeset').optional(),
});

export const iothreadPinSchema = z.strictObject({
  /** libvirt IOThread ids count from 1. */
  iothread: intIn(1, LIMITS.iothreads.value),
  cpuset: setText('cpuset'),
});

export const guestSchema = z
  .strictObject({
    name: name('guest'),
    memoryBytes: bytes(),
    /** As QEMU -smp: vCPUs = sockets × cores × threads. */
    smp: z.strictObject({
      sockets: intIn(1, 64),
      cores: intIn(1, 256),
      threads: intIn(1, 8),
    }),
    ksm: bool(),
    thp: bool(),
    /** Unpinned vCPUs float over every host CPU. */
    vcpupin: z.array(vcpuPinSchema).max(LIMITS.vcpusPerGuest.value, { error: `expected ${atMost('vcpusPerGuest')} pinnings` }),
    /** radix: POWER9 KVM-HV. shadow/tdp: the x86 paths of seed kvm-mmu-remove-bypass-guest-pf. */
    mmu: z.enum(MMU_MODES, { error: (iss) => `expected one of ${MMU_MODES.join(', ')}, got ${quote(iss.input)}` }),
    /** kvm_intel/kvm bypass_guest_pf: only meaningful with mmu 'shadow'. */
    bypassGuestPf: bool(),
    /** Guest NUMA topology; absent: one node holding every vCPU and all memory. */
    numaCells: z.array(numaCellSchema).min(1, { error: 'expected at least one cell (or no numaCells)' }).max(LIMITS.guestNumaCells.value, { error: `expected ${atMost('guestNumaCells')}` }).optional(),
    /** Where on the host the guest's memory lives; absent: the kernel's default (local to the faulting thread). */
    numatune: numatuneSchema.optional(),
    /** Guest RAM backed by hugetlbfs pages (no THP, no KSM on it); `pages: []` is the host's default huge page size. */
    hugepages: z.strictObject({ pages: z.array(hugepageSchema).max(LIMITS.guestNumaCells.value, { error: `expected ${atMost('guestNumaCells')}` }) }).optional(),
    /** Host CPUs of QEMU's emulator threads (main loop, and its I/O workers without IOThreads); absent: anywhere. */
    emulatorpin: setText('cpuset').optional(),
    /** IOThreads (`<iothreads>`): the guest's block I/O runs in them instead of the main loop. */
    iothreads: intIn(1, LIMITS.iothreads.value).optional(),
    /** Host CPUs per IOThread; an IOThread without one runs anywhere. */
    iothreadpin: z.array(iothreadPinSchema).max(LIMITS.iothreads.value, { error: `expected ${atMost('iothreads')} pinnings` }).optional(),
  })
  .superRefine((g, ctx) => {
    const n = vcpuCount(g);
    // A count the smp fields refuse themselves (negative, fractional) is theirs to report.
    if (!Number.isSafeInteger(n) || n < 1) return;
    if (n > LIMITS.vcpusPerGuest.value) {
      ctx.addIssue({ code: 'custom', path: ['smp'], message: `${g.smp.sockets} × ${g.smp.cores} × ${g.smp.threads} = ${n} vCPUs; ${atMost('vcpusPerGuest')} per guest (libvirt's QEMU maximum)` });
      return;
    }
    for (const p of guestShapeProblems(g)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

export type Guest = z.infer<typeof guestSchema>;
export type NumaCell = z.infer<typeof numaCellSchema>;
export type NumaMode = (typeof NUMA_MODES)[number];
export type MemoryBinding = z.infer<typeof memoryBindingSchema>;

export const vcpuCount = (g: Pick<Guest, 'smp'>) => g.smp.sockets * g.smp.cores * g.smp.threads;

/**
 * What a guest's own fields get wrong together, as libvirt would refuse the domain: cells
 * numbered 0..n-1 in order, each vCPU in exactly one cell, cell memory summing to the guest's;
 * memnode and hugepage nodesets naming cells that exist; iothreadpin naming IOThreads that exist,
 * once each. (Host CPUs and nodes are checked with the workspace.)
 */
export function guestShapeProblems(g: Omit<Guest, 'name'>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const n = vcpuCount(g);
  const cells = g.numaCells ?? [];
  const owner = new Array<number>(n).fill(-1);
  cells.forEach((c, ci) => {
    if (c.id !== ci) out.push({ path: ['numaCells', ci, 'id'], message: `expected cell ids 0..${cells.length - 1} in order, got ${c.id} at position ${ci}` });
    let vcpus: number[];
    try {
      vcpus = parseCpuset(c.cpus, n, VCPUS);
    } catch (e) {
      out.push({ path: ['numaCells', ci, 'cpus'], message: (e as Error).message });
      return;
    }
    for (const v of vcpus) {
      if (owner[v] >= 0) out.push({ path: ['numaCells', ci, 'cpus'], message: `vCPU ${v} is in cell ${cells[owner[v]].id} and cell ${c.id}` });
      else owner[v] = ci;
    }
  });
  if (cells.length) {
    const missing = owner.flatMap((o, v) => (o < 0 ? [v] : []));
    if (missing.length) out.push({ path: ['numaCells'], message: `vCPU${missing.length > 1 ? 's' : ''} ${formatCpuset(missing)} in no cell (every vCPU must be in one)` });
    const sum = cells.reduce((a, c) => a + c.memoryBytes, 0);
    if (sum !== g.memoryBytes) out.push({ path: ['numaCells'], message: `cells hold ${sum} bytes but the guest has ${g.memoryBytes} (libvirt makes <memory> the sum of its cells)` });
  }
  const cellIds = (text: string, path: (string | number)[]) => {
    if (!cells.length) {
      out.push({ path, message: 'names guest NUMA cells, but the guest has none (numaCells)' });
      return;
    }
    try {
      parseCpuset(text, cells.length, CELLS);
    } catch (e) {
      out.push({ path, message: (e as Error).message });
    }
  };
  const seenCells = new Set<number>();
  g.numatune?.memnode?.forEach((m, i) => {
    if (!cells.length) out.push({ path: ['numatune', 'memnode', i, 'cellid'], message: 'names a guest NUMA cell, but the guest has none (numaCells)' });
    else if (m.cellid >= cells.length) out.push({ path: ['numatune', 'memnode', i, 'cellid'], message: `expected a cell id 0..${cells.length - 1}, got ${m.cellid}` });
    if (seenCells.has(m.cellid)) out.push({ path: ['numatune', 'memnode', i, 'cellid'], message: `cell ${m.cellid} has two memnode entries` });
    seenCells.add(m.cellid);
  });
  g.hugepages?.pages.forEach((p, i) => {
    if (p.nodeset !== undefined) cellIds(p.nodeset, ['hugepages', 'pages', i, 'nodeset']);
  });
  const pinned = new Set<number>();
  g.iothreadpin?.forEach((p, i) => {
    if (p.iothread > (g.iothreads ?? 0)) out.push({ path: ['iothreadpin', i, 'iothread'], message: g.iothreads ? `expected an IOThread id 1..${g.iothreads}, got ${p.iothread}` : `pins IOThread ${p.iothread}, but the guest has no iothreads` });
    if (pinned.has(p.iothread)) out.push({ path: ['iothreadpin', i, 'iothread'], message: `IOThread ${p.iothread} is pinned twice` });
    pinned.add(p.iothread);
  });
  return out;
}
