/**
 * The rate model of the workload (docs/architecture.md §3.2–3.3), as pure functions of the workload, the
 * placement's CPU shares and the parameters: what stress workers ask of a guest, how fast the
 * guest runs where it was placed, what that does to its host mm (KSM merges, THP splits and
 * collapses, host faults) and the VM exits per reason. run/machine.ts calls them at every
 * placement change and integrates the results between changes.
 */
import type { Guest } from '../../../src-common/workspace';
import { exitsPerGuestFault } from '../kvm/mmu';
import type { ModelParams } from '../params';
import type { StressOptions } from '../stress/parse';

/** A --vm worker at full speed: CPU duty, first-touch faults and base-page writes per second, the pages it keeps rewriting. */
export interface VmWorker {
  duty: number;
  pagesPerSec: number;
  writesPerSec: number;
  pages: number;
}

/** One --vm worker (stress hogvm semantics). */
export function vmWorker(o: StressOptions, p: ModelParams): VmWorker {
  const rate = p.get('stress.vm.faults_per_s');
  const duty = p.get('stress.vm.duty');
  const pages = Math.max(1, Math.ceil(o.vmBytes / p.get('guest.page_bytes')));
  // --vm-hang 0 touches its memory once and sleeps for ever.
  if (o.vmHang === 0) return { duty: 0, pagesPerSec: 0, writesPerSec: 0, pages };
  // --vm-keep re-dirties the same memory: it faults once, then only writes (after each hang).
  const share = o.vmHang > 0 ? pages / rate / (pages / rate + o.vmHang) : 1;
  return { duty: duty * share, pagesPerSec: o.vmKeep ? 0 : rate * duty * share, writesPerSec: rate * duty * share, pages };
}

/** What the stress workers of one guest ask of its vCPUs, at full speed. */
export interface GuestLoad {
  /** Total CPU demand of the workers, in vCPUs. */
  demand: number;
  /** First-touch faults per second of base pages. */
  pagesPerSec: number;
  /** Base pages the --vm workers write per second (first touches and --vm-keep rewrites). */
  writesPerSec: number;
  /** Base pages the --vm workers keep rewriting (their --vm-bytes). */
  workingSetPages: number;
  /** Block requests per second. */
  ioPerSec: number;
}

/** The load of a guest's stress command lines. */
export function guestLoad(opts: readonly StressOptions[], p: ModelParams): GuestLoad {
  const l: GuestLoad = { demand: 0, pagesPerSec: 0, writesPerSec: 0, workingSetPages: 0, ioPerSec: 0 };
  for (const o of opts) {
    const vm = vmWorker(o, p);
    l.demand += o.cpu * p.get('stress.cpu.duty') + o.io * p.get('stress.io.duty') + o.vm * vm.duty + o.hdd * p.get('stress.hdd.duty');
    l.pagesPerSec += o.vm * vm.pagesPerSec;
    l.writesPerSec += o.vm * vm.writesPerSec;
    l.workingSetPages += o.vm * vm.pages;
    l.ioPerSec += o.io * p.get('stress.io.syncs_per_s') * p.get('stress.io.completions_per_sync') + o.hdd * p.get('stress.hdd.completions_per_s');
  }
  return l;
}

/** CPU a QEMU I/O worker occupies: the guest's block requests spread over `workers` threads. */
export function qemuWorkerDuty(ioPerSec: number, workers: number, p: ModelParams): number {
  return Math.min(1, (ioPerSec * p.get('qemu.worker_duty_per_io')) / 1000 / workers);
}

/**
 * How fast a guest runs where it was placed. `vcpuShares`: the share of its demand each vCPU
 * task gets (0 when frozen or unplaced). u: the load per vCPU; speed: the share of the
 * workload's full-speed rates it achieves.
 */
export function guestSpeed(demand: number, vcpuShares: readonly number[]): { u: number; speed: number } {
  const n = vcpuShares.length;
  const u = Math.min(1, demand / n);
  const avail = vcpuShares.reduce((a, s) => a + s, 0) / n;
  return { u, speed: demand > 0 ? Math.min(1, (avail * n) / demand) : 0 };
}

/** Block requests per second the guest gets done: its load at its speed, served by its QEMU workers. */
export function guestIoRate(load: GuestLoad, speed: number, workerShares: readonly number[]): number {
  const workerAvail = workerShares.length ? workerShares.reduce((a, s) => a + s, 0) / workerShares.length : 1;
  return load.ioPerSec * speed * workerAvail;
}

/** Pages ksmd scans per second while running (pages_to_scan every sleep_millisecs). */
export function ksmScanRate(ksmdRunning: number, p: ModelParams): number {
  return ksmdRunning * (p.get('host.ksm.pages_to_scan') / (p.get('host.ksm.sleep_ms') / 1000));
}

/**
 * KSM merges per second in one guest. ksmd finds new work only where the guest rewrote pages
 * since its previous pass (one pass = guestPages / scan seconds): the distinct working-set
 * pages its --vm workers rewrote in that time, of which host.ksm.merge_fraction merge.
 */
export function ksmMerges(scanPerSec: number, guestPages: number, workingSetPages: number, writesPerSec: number, p: ModelParams): number {
  const ws = Math.min(guestPages, workingSetPages);
  const rewritten = scanPerSec > 0 && ws > 0 ? ws * (1 - Math.exp(-(writesPerSec * guestPages) / scanPerSec / ws)) : 0;
  return scanPerSec * (rewritten / guestPages) * p.get('host.ksm.merge_fraction');
}

/** A guest's host mm activity (pass 1): the THP splits that broadcast CALL_FUNCTION and the host faults. */
export interface GuestMm {
  /** ksmd's scan rate over this guest's memory. */
  scan: number;
  merges: number;
  /** Host-side faults by the vCPUs (copy-on-write of merged pages, refaults after THP splits), before collapses. */
  hostFaults: number;
  ksmSplits: number;
  vcpuSplits: number;
  workerSplits: number;
  splits: number;
}

export interface GuestMmInput {
  memoryBytes: number;
  /** The host backs the guest's RAM by THPs. */
  thp: boolean;
  /** QEMU's own buffers get THPs too (host.thp.enabled=always). */
  thpBuffers: boolean;
  load: GuestLoad;
  speed: number;
  io: number;
  /** ksmd's scan rate over this guest's memory (0 without KSM). */
  scan: number;
}

/**
 * On POWER9 radix the host mm changes that IPI the mm's CPUs are THP ones (huge pmd splits
 * and collapses: serialize_against_pte_lookup); KSM adds work only by splitting THPs to merge
 * (split_huge_page → pmdp_invalidate), vCPUs by their host faults, QEMU workers by munmapping
 * part of a THP-backed bounce buffer.
 */
export function guestMm(g: GuestMmInput, p: ModelParams): GuestMm {
  const pageBytes = p.get('guest.page_bytes');
  const pagesPerThp = thpPages(p);
  const guestPages = Math.max(1, g.memoryBytes / pageBytes);
  const merges = ksmMerges(g.scan, guestPages, g.load.workingSetPages, g.load.writesPerSec * g.speed, p);
  const ksmSplits = g.thp ? (merges * p.get('host.ksm.thp_fraction')) / pagesPerThp : 0;
  // Host-side faults by the vCPUs: the guest writes the merged pages again (copy-on-write), and
  // refaults every base page of a split THP (its partition-scoped huge mapping is gone).
  const activity = Math.min(1, g.speed);
  const hostFaults = activity * (merges + ksmSplits * pagesPerThp);
  const vcpuSplits = g.thp ? hostFaults * p.get('kvm.vcpu_thp_split_per_fault') : 0;
  const workerSplits = g.thpBuffers ? g.io * p.get('qemu.worker_munmap_per_io') : 0;
  return { scan: g.scan, merges, hostFaults, ksmSplits, vcpuSplits, workerSplits, splits: ksmSplits + vcpuSplits + workerSplits };
}

/** Base pages per THP. */
export function thpPages(p: ModelParams): number {
  return Math.max(1, Math.round(p.get('host.thp_bytes') / p.get('guest.page_bytes')));
}

/** khugepaged (one thread for all guests) collapses only what was split, at most its scan rate in all: the share it collapses. */
export function collapseShare(allSplits: number, khugepagedRunning: number, p: ModelParams): number {
  return allSplits > 0 ? Math.min(1, (khugepagedRunning * p.get('host.khugepaged.collapses_per_s')) / allSplits) : 0;
}

export type ExitReason = 'page_fault' | 'hcall' | 'doorbell' | 'timer' | 'pt_write';

/**
 * VM exits per second of one guest, by reason, with the host faults including collapse refaults,
 * and the vCPU kicks its own IPIs cause. A guest IPI (one wakeup per completed block request) to a
 * vCPU of another virtual core is an H_IPI hcall (XIVE delivers it, no host doorbell); to a sibling
 * of the same virtual core it is a msgsndp doorbell, which KVM-HV on POWER9 emulates (the sender
 * exits) by kicking the sibling's CPU with a bare msgsnd (kvmppc_fast_vcpu_kick_hv). Doorbell exits
 * are counted where IPIs are delivered (the IPI fabric), not here.
 */
export function guestExits(
  g: Guest,
  x: { load: GuestLoad; u: number; speed: number; io: number; mm: GuestMm; collapses: number; vcpuShares: readonly number[] },
  p: ModelParams,
): { exits: Record<ExitReason, number>; hostFaults: number; kicks: number } {
  const n = x.vcpuShares.length;
  const guestFaults = (x.load.pagesPerSec * x.speed) / (g.thp ? thpPages(p) : 1);
  // A collapse drops the range's base-page mappings: one refault on the new huge mapping.
  const hostFaults = x.mm.hostFaults + Math.min(1, x.speed) * x.collapses;
  const perFault = exitsPerGuestFault(g, p.get('kvm.shadow.unsync_fraction'));
  const wakeups = x.io * p.get('kvm.guest_wakeups_per_io');
  // The waker is uniform over the guest's other vCPUs: (threads - 1) of those n - 1 are siblings.
  const sibling = n > 1 ? (Math.min(g.smp.threads, n) - 1) / (n - 1) : 0;
  const idleVcpuTime = x.vcpuShares.reduce((a, s) => a + (s > 0 ? 1 - x.u : 0), 0);
  const running = x.vcpuShares.map((s) => x.u * s).reduce((a, b) => a + b, 0);
  return {
    exits: {
      page_fault: guestFaults * perFault.pageFault + hostFaults,
      pt_write: guestFaults * perFault.ptWrite,
      hcall: x.io * p.get('kvm.hcalls_per_io') + idleVcpuTime * p.get('kvm.cede_per_idle_s') + (n > 1 ? wakeups : 0),
      doorbell: 0,
      timer: running * p.get('host.hz'),
    },
    hostFaults,
    kicks: wakeups * sibling,
  };
}

/** The call paths of one guest mm (run/machine.ts `GuestPaths`), by name. */
export type GuestPathName = 'ksmdScan' | 'ksmdMerge' | 'ksmdSplit' | 'vcpuFault' | 'vcpuSplit' | 'workerFault' | 'workerMunmap' | 'khugepagedScan' | 'khugepagedCollapse';

/** One call path a kind of task runs: times per second per task, and whether it IPIs the mm's CPUs (smp_call_function_many). */
export interface PathRate {
  path: GuestPathName;
  perTask: number;
  why: string;
  broadcast: boolean;
}

/** Which tasks run a guest's paths, and how often (docs/architecture.md §3.3), by who runs them. */
export interface GuestPathRates {
  vcpu: PathRate[];
  worker: PathRate[];
  ksmd: PathRate[];
  khugepaged: PathRate[];
}

/**
 * The call paths a guest's tasks run on its host mm: each live vCPU its share of the host
 * faults and THP splits, each live QEMU worker its faults (per block request) and bounce-buffer
 * munmaps, ksmd (while it runs) its scan, merges and THP splits over this guest, khugepaged
 * (while it runs) one scan per collapse and the collapses. Paths with no rate are left out.
 */
export function guestPathRates(
  g: { name: string; vcpus: number; workers: number; ksmdRuns: boolean; khugepagedRuns: boolean; hostFaults: number; io: number; mm: GuestMm; collapses: number },
  p: ModelParams,
): GuestPathRates {
  const r = (path: GuestPathName, perTask: number, why: string, broadcast = false): PathRate[] => (perTask > 0 ? [{ path, perTask, why: `${why} (${g.name})`, broadcast }] : []);
  return {
    vcpu: g.vcpus > 0 ? [...r('vcpuFault', g.hostFaults / g.vcpus, 'vCPU host fault'), ...r('vcpuSplit', g.mm.vcpuSplits / g.vcpus, 'vCPU THP split', true)] : [],
    worker:
      g.workers > 0
        ? [...r('workerFault', (g.io / g.workers) * p.get('qemu.worker_fault_per_io'), 'QEMU worker fault'), ...r('workerMunmap', g.mm.workerSplits / g.workers, 'QEMU worker munmap', true)]
        : [],
    ksmd: g.ksmdRuns && g.mm.scan > 0 ? [...r('ksmdScan', g.mm.scan, 'ksmd scan'), ...r('ksmdMerge', g.mm.merges, 'ksmd merge'), ...r('ksmdSplit', g.mm.ksmSplits, 'ksmd THP split', true)] : [],
    khugepaged: g.khugepagedRuns && g.collapses > 0 ? [...r('khugepagedScan', g.collapses, 'khugepaged scan'), ...r('khugepagedCollapse', g.collapses, 'khugepaged collapse', true)] : [],
  };
}

/**
 * Nanoseconds per second one vCPU thread spends in the host handling its guest's exits (spread
 * over the guest's live vCPUs): page faults at `kvm.host_ns_per_fault` — times
 * `host.numa.remote_fault_factor` for the share `remote` its memory binding puts on the other
 * node — hcalls (H_CEDE included) and timer ticks at theirs.
 */
export function vcpuHostNsPerSec(exits: Record<ExitReason, number>, vcpus: number, remote: number, p: ModelParams): number {
  const perVcpu = (r: number) => r / Math.max(1, vcpus);
  const faultNs = perVcpu(exits.page_fault) * p.get('kvm.host_ns_per_fault');
  const otherNs = perVcpu(exits.hcall) * p.get('kvm.host_ns_per_hcall') + perVcpu(exits.timer) * p.get('kvm.host_ns_per_tick');
  return faultNs * (1 + remote * (p.get('host.numa.remote_fault_factor') - 1)) + otherNs;
}

/** Host IPIs per second reaching each CPU: every stream but vCPU kicks, and every broadcast's targets. */
export function hostIpiRates(cpuCount: number, streams: readonly { kind: string; to: number; ratePerSec: number }[], paths: readonly { ratePerSec: number; targets?: readonly number[] }[]): number[] {
  const out = new Array<number>(cpuCount).fill(0);
  for (const st of streams) if (st.kind !== 'vcpu_kick') out[st.to] += st.ratePerSec;
  for (const ps of paths) for (const t of ps.targets ?? []) out[t] += ps.ratePerSec;
  return out;
}

/**
 * A vCPU thread's share of time in the host with the host IPIs reaching its CPU added: each is a
 * doorbell with host_ipi set — guest exit, the handlers, guest entry — at most all of the time.
 */
export function hostShareWithDoorbells(hostShare: number, hostIpisPerSec: number, p: ModelParams): number {
  const doorbellExit = p.get('ipi.guest_exit_ns') + p.get('ipi.csd_func_ns') + p.get('ipi.host_tail_ns') + p.get('ipi.guest_entry_ns');
  return Math.min(1, hostShare + (hostIpisPerSec * doorbellExit) / 1e9);
}
