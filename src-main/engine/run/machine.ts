import { cpuNodes, llcDomains, vcpuCount, type Guest, type Workspace } from '../../../src-common/workspace';
import { Priority, type Component, type Rng, type Simulation } from '../core';
import type { IpiFabric, IpiStream, PathSource, VcpuResidency } from '../ipi/fabric';
import type { CpuState, CpuStates } from '../power9/cpus';
import type { CallPath, HostKernel } from '../power9/host-kernel';
import { placeTasks, type PlaceTask } from '../power9/placement';
import { Task, type TaskKind } from '../power9/tasks';
import type { HostTopology } from '../power9/topology';
import { vcpuPlans } from '../kvm/guest';
import { qemuThreadPlans, remoteFaultShares } from '../kvm/qemu-threads';
import { parseStressCommand, type StressOptions } from '../stress/parse';
import type { NumberParamKey } from '../params';
import { collapseShare, guestExits, guestIoRate, guestLoad, guestMm, guestPathRates, guestSpeed, hostIpiRates, hostShareWithDoorbells, ksmScanRate, qemuWorkerDuty, vcpuHostNsPerSec, vmWorker, type ExitReason, type GuestLoad, type PathRate } from './rates';

/**
 * The workload model of a run (docs/architecture.md §3.1–3.3), event-efficient: instead of
 * simulating scheduler ticks it places tasks on CPUs analytically (power9/placement) and
 * integrates piecewise-constant rates — CPU busy time, VM exits per reason — between placement
 * changes. What the workload does to the host kernel goes to the IPI fabric as rates
 * (`IpiTraffic`): the call paths each task runs (lock users; the host mm changes whose
 * smp_call_function_many targets the guest mm's CPUs — on POWER9 radix only THP splits and
 * collapses, serialize_against_pte_lookup), the IPI streams, and how much of its time each vCPU
 * thread spends in the host. Tasks are entities (power9/tasks.ts): one the HostKernel reports
 * stuck keeps its state — a spinning task freezes on its CPU, a blocked or waking one runs
 * nowhere — and everything is re-placed and every rate recomputed.
 */
export const EXIT_REASONS = ['page_fault', 'hcall', 'doorbell', 'timer'] as const;
export type { ExitReason };

interface WTask extends PlaceTask {
  e: Task;
  /** For stress tasks on the host: which hog. */
  hog?: 'cpu' | 'io' | 'vm' | 'hdd';
}

interface GuestRates {
  exits: Record<ExitReason, number>;
  ioPerSec: number;
  hostFaultsPerSec: number;
  /** Broadcasts per second by sender kind. */
  bcast: { ksmd: number; khugepaged: number; vcpu: number; worker: number };
}

/** The call paths of one guest mm (lock objects from the HostKernel), by what runs them. */
interface GuestPaths {
  ksmdScan: CallPath;
  ksmdMerge: CallPath;
  ksmdSplit: CallPath;
  vcpuFault: CallPath;
  vcpuSplit: CallPath;
  workerFault: CallPath;
  workerMunmap: CallPath;
  khugepagedScan: CallPath;
  khugepagedCollapse: CallPath;
}

const PID_BASE = 19500;

export class Machine implements Component {
  readonly name = 'machine';
  private readonly tasks: WTask[] = [];
  private readonly loads = new Map<string, GuestLoad>();
  private readonly guestOpts = new Map<string, StressOptions[]>();
  private readonly hostOpts: StressOptions[] = [];
  private readonly paths = new Map<string, GuestPaths>();
  private cpuOf: number[] = [];
  private cpuLoad: number[] = [];
  private rates = new Map<string, GuestRates>();
  private readonly busyNs: number[];
  private busyFrac: number[];
  /** Per CPU: idle periods and RCU softirqs since boot (for RCU stall reports), and their rates now. */
  private readonly idleEntries: number[];
  private readonly rcuSoftirqs: number[];
  private idleRate: number[];
  private softirqRate: number[];
  readonly exits = new Map<string, Record<ExitReason, number>>();
  private lastAdvance = 0;
  private placing = false;
  private dirty = false;
  private replacePending = false;
  private readonly rngPlace: Rng;
  /** The guest mm's cpumask per guest, rebuilt at every placement. */
  private cpumask = new Map<string, number[]>();
  /** Exit counters of the guest whose vCPU each CPU runs (null: not in a guest), per placement. */
  private exitsOfCpu: (Record<ExitReason, number> | null)[] = [];
  /** The guest whose vCPU each CPU runs (null: not in a guest), per placement. */
  private guestOfCpu: (string | null)[] = [];
  /** Host IPIs (not KVM's kicks) delivered to CPUs while they ran a vCPU, per guest. */
  private readonly hostIpisIn = new Map<string, number>();
  /** The LLC domain of each CPU (host caches) and the CPUs of each domain. */
  private readonly llcOf: number[];
  private readonly llcCpus: number[][] = [];
  /** Per guest, the share of a vCPU's host faults allocated on a remote node (its numatune binding). */
  private readonly remoteShare = new Map<string, (vcpu: number, node: number) => number>();
  private readonly nodeOf: number[];
  placements = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly ws: Workspace,
    private readonly topo: HostTopology,
    private readonly cpus: CpuStates,
    private readonly kernel: HostKernel,
    private readonly fabric: IpiFabric,
  ) {
    const n = topo.cpuCount;
    this.busyNs = new Array<number>(n).fill(0);
    this.busyFrac = new Array<number>(n).fill(0);
    this.idleEntries = new Array<number>(n).fill(0);
    this.rcuSoftirqs = new Array<number>(n).fill(0);
    this.idleRate = new Array<number>(n).fill(0);
    this.softirqRate = new Array<number>(n).fill(0);
    this.rngPlace = sim.rng('placement');
    this.llcOf = llcDomains(ws.host, sim.params.values);
    this.llcOf.forEach((d, c) => (this.llcCpus[d] ??= []).push(c));
    this.nodeOf = cpuNodes(ws.host);
    for (const g of ws.guests) this.remoteShare.set(g.name, remoteFaultShares(g, ws.host));
    this.buildTasks();
    for (const g of ws.guests) this.paths.set(g.name, this.guestPaths(g.name));
  }

  private num(key: NumberParamKey): number {
    return this.sim.params.get(key);
  }

  // ---- construction -------------------------------------------------------------------------

  private addTask(kind: TaskKind, comm: string, pid: number, t: Omit<WTask, 'e'>, guest?: string, vcpu?: number): void {
    this.tasks.push({ ...t, e: new Task(this.tasks.length, { comm, pid }, kind, guest, vcpu) });
  }

  private buildTasks(): void {
    let pid = PID_BASE;
    const p = (key: NumberParamKey) => this.num(key);
    for (const w of this.ws.workloads) {
      let opts: StressOptions;
      try {
        opts = parseStressCommand(w.command);
      } catch (e) {
        throw new Error(`workload on '${w.target}': ${(e as Error).message}`, { cause: e });
      }
      if (w.target === 'host') this.hostOpts.push(opts);
      else this.guestOpts.set(w.target, [...(this.guestOpts.get(w.target) ?? []), opts]);
    }
    for (const g of this.ws.guests) {
      const l = guestLoad(this.guestOpts.get(g.name) ?? [], this.sim.params);
      this.loads.set(g.name, l);
      const perVcpu = Math.min(1, l.demand / vcpuCount(g));
      for (const plan of vcpuPlans(g, this.topo)) this.addTask('vcpu', `CPU ${plan.vcpu}/KVM`, pid++, { demand: perVcpu, allowed: plan.allowed, group: `${g.name}:${plan.vcore}` }, g.name, plan.vcpu);
      if (l.ioPerSec > 0) {
        const nw = Math.round(p('qemu.workers'));
        const duty = qemuWorkerDuty(l.ioPerSec, nw, this.sim.params);
        // Each worker runs where the thread that spawned it is pinned (emulatorpin, or its IOThread's iothreadpin).
        for (const plan of qemuThreadPlans(g, this.topo.cpuCount, nw)) if (plan.kind === 'qemu-worker') this.addTask('qemu-worker', 'worker', pid++, { demand: duty, allowed: plan.allowed }, g.name);
      }
      this.exits.set(g.name, { page_fault: 0, hcall: 0, doorbell: 0, timer: 0, pt_write: 0 });
    }
    for (const o of this.hostOpts) {
      const add = (hog: WTask['hog'], count: number, demand: number) => {
        for (let i = 0; i < count; i++) this.addTask('stress', 'stress', pid++, { demand, allowed: null, hog });
      };
      add('cpu', o.cpu, p('stress.cpu.duty'));
      add('io', o.io, p('stress.io.duty'));
      add('vm', o.vm, vmWorker(o, this.sim.params).duty);
      add('hdd', o.hdd, p('stress.hdd.duty'));
    }
    if (this.ws.guests.some((g) => this.ksmOn(g))) this.addTask('ksmd', 'ksmd', 791, { demand: p('host.ksmd.duty'), allowed: null });
    if (this.ws.guests.some((g) => this.thpOn(g))) this.addTask('khugepaged', 'khugepaged', 792, { demand: p('host.khugepaged.duty'), allowed: null });
  }

  /**
   * The call paths in one guest's mm (Linux 5.3). mmap_sem is taken before any spinlock;
   * `page_table_lock` is the pmd lock of a THP (pmd_lock), kvm->mmu_lock KVM's. A broadcast is
   * smp_call_function_many to the mm's cpumask with wait=1 (serialize_against_pte_lookup). Each
   * step names the function it happens in and the calls that lead there (power9/call-trace.ts
   * prints them as a `Call Trace:`); static inline functions are left out, as the kernel's
   * unwinder never sees them.
   */
  private guestPaths(g: string): GuestPaths {
    const k = this.kernel;
    const mmapSem = k.rwsem(`mm(${g}).mmap_sem`);
    const ptl = k.spinlock(`mm(${g}).page_table_lock`);
    const mmu = k.spinlock(`kvm(${g}).mmu_lock`);
    const mask = () => this.cpumask.get(g) ?? [];
    type Frames = { fn: string; via?: readonly string[] };
    const read = (at: Frames, call?: string) => ({ op: 'lock', lock: mmapSem, mode: 'read', ...at, ...(call ? { call } : {}) }) as const;
    const write = (at: Frames, call?: string) => ({ op: 'lock', lock: mmapSem, mode: 'write', ...at, ...(call ? { call } : {}) }) as const;
    const pmd = (at: Frames) => ({ op: 'lock', lock: ptl, mode: 'spin', ...at }) as const;
    const mmuLock = (at: Frames) => ({ op: 'lock', lock: mmu, mode: 'spin', ...at }) as const;
    // __split_huge_pmd → __split_huge_pmd_locked → pmdp_invalidate (arch/powerpc/mm/book3s64/pgtable.c) → serialize_against_pte_lookup.
    const splitBcast = (via: readonly string[]) => ({ op: 'broadcast', targets: mask, fn: 'serialize_against_pte_lookup', via: [...via, '__split_huge_pmd', '__split_huge_pmd_locked', 'pmdp_invalidate'] }) as const;
    const ksmd = ['ret_from_kernel_thread', 'kthread', 'ksm_scan_thread', 'ksm_do_scan'];
    const khugepaged = ['ret_from_kernel_thread', 'kthread', 'khugepaged', 'khugepaged_do_scan'];
    // ksm: try_to_merge_one_page splits a THP before merging (split_huge_page → unmap_page → try_to_unmap with TTU_SPLIT_HUGE_PMD).
    const ksmSplitVia = ['try_to_merge_with_ksm_page', 'try_to_merge_one_page', 'split_huge_page_to_list', 'unmap_page', 'try_to_unmap', 'rmap_walk', 'rmap_walk_anon', 'try_to_unmap_one', 'split_huge_pmd_address'];
    // The vCPU thread's fault, as the seed's xmon stack of CPU 42 shows it, down to the radix fault handler.
    const vcpu = ['system_call', 'sys_ioctl', 'ksys_ioctl', 'do_vfs_ioctl', 'kvm_vcpu_ioctl [kvm]', 'kvm_arch_vcpu_ioctl_run [kvm]', 'kvmppc_vcpu_run [kvm]', 'kvmppc_vcpu_run_hv [kvm_hv]', 'kvmppc_book3s_hv_page_fault [kvm_hv]', 'kvmppc_book3s_radix_page_fault [kvm_hv]', 'kvmppc_book3s_instantiate_page [kvm_hv]'];
    // The slow path when __get_user_pages_fast fails: KVM's generic fault-in (virt/kvm/kvm_main.c) → GUP.
    const gup = ['__gfn_to_pfn_memslot [kvm]', 'hva_to_pfn [kvm]', 'hva_to_pfn_slow [kvm]'];
    const gupFault = [...gup, 'get_user_pages_unlocked', '__get_user_pages', 'faultin_page', 'handle_mm_fault', '__handle_mm_fault'];
    // A QEMU worker touching guest memory: the data storage interrupt (arch/powerpc/mm/fault.c).
    const userFault = ['handle_page_fault', 'do_page_fault'];
    // munmap splits a THP the range's end cuts while it splits the VMA, before it downgrades mmap_sem (mm/mmap.c __do_munmap).
    const munmapVia = ['__vm_munmap', '__do_munmap', '__split_vma', '__vma_adjust', 'vma_adjust_trans_huge', 'split_huge_pmd_address'];
    return {
      ksmdScan: { name: `ksmd: follow_page (${g})`, entry: ksmd, steps: [read({ fn: 'scan_get_next_rmap_item' }), pmd({ fn: 'follow_pmd_mask', via: ['scan_get_next_rmap_item', 'follow_page', 'follow_page_mask', 'follow_p4d_mask', 'follow_pud_mask'] })] },
      ksmdMerge: {
        name: `ksmd: try_to_merge_one_page (${g})`,
        entry: [...ksmd, 'cmp_and_merge_page'],
        steps: [
          read({ fn: 'try_to_merge_with_ksm_page' }),
          pmd({ fn: 'replace_page', via: ['try_to_merge_with_ksm_page', 'try_to_merge_one_page'] }),
          mmuLock({ fn: 'kvm_mmu_notifier_change_pte [kvm]', via: ['try_to_merge_with_ksm_page', 'try_to_merge_one_page', 'replace_page', '__mmu_notifier_change_pte'] }),
        ],
      },
      ksmdSplit: { name: `ksmd: split_huge_page (${g})`, entry: [...ksmd, 'cmp_and_merge_page'], steps: [read({ fn: 'try_to_merge_with_ksm_page' }), pmd({ fn: '__split_huge_pmd', via: ksmSplitVia }), splitBcast(ksmSplitVia)] },
      vcpuFault: { name: `kvmppc_book3s_radix_page_fault (${g})`, entry: vcpu, steps: [read({ fn: 'get_user_pages_unlocked', via: gup }), pmd({ fn: 'do_huge_pmd_wp_page', via: gupFault }), mmuLock({ fn: 'kvmppc_create_pte [kvm_hv]' })] },
      vcpuSplit: {
        name: `kvmppc_book3s_radix_page_fault: THP split (${g})`,
        entry: vcpu,
        steps: [read({ fn: 'get_user_pages_unlocked', via: gup }), pmd({ fn: '__split_huge_pmd', via: [...gupFault, 'do_huge_pmd_wp_page'] }), splitBcast([...gupFault, 'do_huge_pmd_wp_page'])],
      },
      workerFault: { name: `QEMU worker page fault (${g})`, entry: userFault, steps: [read({ fn: '__do_page_fault' }), pmd({ fn: 'do_huge_pmd_wp_page', via: ['__do_page_fault', 'handle_mm_fault', '__handle_mm_fault'] })] },
      workerMunmap: { name: `QEMU worker munmap (${g})`, entry: ['system_call', 'sys_munmap'], steps: [write({ fn: '__vm_munmap' }, 'down_write_killable'), pmd({ fn: '__split_huge_pmd', via: munmapVia }), splitBcast(munmapVia)] },
      // khugepaged_scan_mm_slot takes mmap_sem with down_read_trylock and moves on to the next mm if it is taken.
      khugepagedScan: { name: `khugepaged: khugepaged_scan_mm_slot (${g})`, entry: khugepaged, steps: [{ ...read({ fn: 'khugepaged_scan_mm_slot' }), trylock: true }] },
      khugepagedCollapse: {
        name: `khugepaged: collapse_huge_page (${g})`,
        entry: [...khugepaged, 'khugepaged_scan_mm_slot', 'khugepaged_scan_pmd'],
        steps: [write({ fn: 'collapse_huge_page' }), pmd({ fn: 'collapse_huge_page' }), { op: 'broadcast', targets: mask, fn: 'serialize_against_pte_lookup', via: ['collapse_huge_page', 'radix__pmdp_collapse_flush'] }],
      },
    };
  }

  /** Guest memory KSM scans, over all guests. */
  private ksmMemory(): number {
    return this.ws.guests.filter((g) => this.ksmOn(g)).reduce((n, g) => n + g.memoryBytes, 0);
  }

  /** KSM scans this guest's memory: the host runs ksmd and QEMU marked the RAM mergeable (hugetlbfs RAM never is). */
  private ksmOn(g: Guest): boolean {
    return g.ksm && !g.hugepages && this.sim.params.get('host.ksm.run');
  }

  /** The host backs this guest's RAM by THPs (QEMU madvises it MADV_HUGEPAGE: always or madvise); hugetlbfs RAM is not THP's. */
  private thpOn(g: Guest): boolean {
    return g.thp && !g.hugepages && this.sim.params.get('host.thp.enabled') !== 'never';
  }

  /** QEMU's own buffers (the workers' bounce buffers) get THPs only with enabled=always. */
  private thpBuffers(g: Guest): boolean {
    return g.thp && this.sim.params.get('host.thp.enabled') === 'always';
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  init(): void {
    // Any change of a task's waiting state re-places the tasks (after the current event, once).
    this.kernel.listen({ stuck: () => this.replaceSoon(), resumed: () => this.replaceSoon(), queue: () => this.replaceSoon() });
    // An IPI reaching a CPU that runs a vCPU makes it take an H_DOORBELL (a host IPI exits, a kick re-enters).
    this.fabric.onDelivered((to, kind, count) => {
      const e = this.exitsOfCpu[to];
      if (e) e.doorbell += count;
      const g = this.guestOfCpu[to];
      if (g && kind !== 'vcpu_kick') this.hostIpisIn.set(g, (this.hostIpisIn.get(g) ?? 0) + count);
    });
  }

  start(): void {
    this.replace();
  }

  private replaceSoon(): void {
    if (this.replacePending) return;
    this.replacePending = true;
    // The component that changed a task (the fabric, via the HostKernel) is never re-entered mid-work.
    this.sim.after(0, Priority.HARDWARE, () => {
      this.replacePending = false;
      this.replace();
    }, 'machine.replace');
  }

  /** Integrates rates up to now, then re-places every task and recomputes every rate. */
  replace(): void {
    if (this.placing) {
      this.dirty = true;
      return;
    }
    this.advance(this.sim.now);
    this.placing = true;
    try {
      do {
        this.dirty = false;
        this.placeAll();
      } while (this.dirty);
    } finally {
      this.placing = false;
    }
  }

  /** Brings busy time, exit counts and the RCU history counters up to `t`. */
  advance(t: number): void {
    const dt = t - this.lastAdvance;
    if (dt <= 0) return;
    this.lastAdvance = t;
    const sec = dt / 1e9;
    for (let c = 0; c < this.busyNs.length; c++) {
      this.busyNs[c] += this.busyFrac[c] * dt;
      this.idleEntries[c] += this.idleRate[c] * sec;
      this.rcuSoftirqs[c] += this.softirqRate[c] * sec;
    }
    for (const [g, r] of this.rates) {
      const e = this.exits.get(g)!;
      for (const k of Object.keys(r.exits) as ExitReason[]) e[k] += r.exits[k] * sec;
    }
  }

  /** The history counters the RCU stall report prints, up to now. */
  history(cpu: number): { idleEntries: number; rcuSoftirqs: number } {
    const sec = Math.max(0, this.sim.now - this.lastAdvance) / 1e9;
    return { idleEntries: this.idleEntries[cpu] + this.idleRate[cpu] * sec, rcuSoftirqs: this.rcuSoftirqs[cpu] + this.softirqRate[cpu] * sec };
  }

  private placeAll(): void {
    this.placements++;
    // A spinning task stays on its CPU; a blocked or waking one runs nowhere; the rest are placed around them.
    const st = this.tasks.map((t) => t.e.state);
    const movable = this.tasks.map((t, i) => (st[i].kind === 'active' ? t : { ...t, allowed: [] as number[] }));
    const pl = placeTasks(movable, this.topo, (c) => this.cpus.isSpinning(c), this.rngPlace);
    this.cpuOf = pl.cpuOf.map((c, i) => {
      const s = st[i];
      return s.kind === 'spinning' ? s.cpu : s.kind === 'active' ? c : -1;
    });
    this.cpuLoad = pl.load;

    // Per-CPU state (spinning CPUs are the HostKernel's): the task with the largest demand, vCPUs first.
    const top: number[] = new Array<number>(this.topo.cpuCount).fill(-1);
    this.tasks.forEach((t, i) => {
      const c = this.cpuOf[i];
      if (c < 0 || st[i].kind !== 'active') return;
      const cur = top[c];
      if (cur < 0 || t.demand > this.tasks[cur].demand + 1e-12 || (t.e.kind === 'vcpu' && this.tasks[cur].e.kind !== 'vcpu' && t.demand >= this.tasks[cur].demand - 1e-12)) top[c] = i;
    });
    for (let c = 0; c < this.topo.cpuCount; c++) {
      const i = top[c];
      const t = i >= 0 ? this.tasks[i] : null;
      const state: CpuState = !t || this.cpuLoad[c] <= 0 ? { kind: 'idle' } : t.e.kind === 'vcpu' ? { kind: 'guest', guest: t.e.guest!, vcpu: t.e.vcpu!, task: t.e.ref } : { kind: 'host', task: t.e.ref };
      this.cpus.set(c, state);
      this.busyFrac[c] = this.cpus.isSpinning(c) ? 1 : Math.min(1, this.cpuLoad[c]);
    }
    const states = this.cpus.snapshot();
    this.exitsOfCpu = states.map((s) => (s.kind === 'guest' ? this.exits.get(s.guest)! : null));
    this.guestOfCpu = states.map((s) => (s.kind === 'guest' ? s.guest : null));
    this.indexCpumasks();
    this.computeRates();
    this.sim.trace.emit(this.sim.now, 'placement', { n: this.placements, busy: Math.round(this.busyFrac.reduce((a, b) => a + b, 0) * 1000) / 1000 });
  }

  /** Share of its demand a placed, active task gets (time-sharing an overloaded CPU); 0 when stuck. */
  private share(i: number): number {
    const c = this.cpuOf[i];
    if (c < 0 || this.tasks[i].e.state.kind !== 'active' || this.cpus.isSpinning(c)) return 0;
    return Math.min(1, 1 / Math.max(this.cpuLoad[c], 1e-12));
  }

  private indexOf(kind: TaskKind): number {
    return this.tasks.findIndex((t) => t.e.kind === kind);
  }

  private running(kind: TaskKind): number {
    const i = this.indexOf(kind);
    return i < 0 ? 0 : this.share(i) > 0 ? 1 : 0;
  }

  /** The tasks of one kind in one guest, by index. */
  private guestTasks(kind: TaskKind, guest: string): number[] {
    return this.tasks.map((t, i) => (t.e.kind === kind && t.e.guest === guest ? i : -1)).filter((i) => i >= 0);
  }

  /** The guest mm's cpumask: CPUs running its vCPUs or QEMU workers (radix never trims it while they run). */
  private indexCpumasks(): void {
    this.cpumask = new Map();
    this.tasks.forEach((t, i) => {
      const c = this.cpuOf[i];
      if (c < 0 || !t.e.guest || (t.e.kind !== 'vcpu' && t.e.kind !== 'qemu-worker')) return;
      const m = this.cpumask.get(t.e.guest) ?? [];
      if (!m.includes(c)) m.push(c);
      this.cpumask.set(t.e.guest, m);
    });
    for (const m of this.cpumask.values()) m.sort((a, b) => a - b);
  }

  /** Every rate at the current placement (rates.ts), and the traffic they give the fabric. */
  private computeRates(): void {
    const params = this.sim.params;
    const ksmMem = this.ws.guests.filter((g) => this.ksmOn(g)).reduce((n, g) => n + g.memoryBytes, 0);
    const ksmScan = ksmScanRate(this.running('ksmd'), params);
    const out: { streams: IpiStream[]; paths: PathSource[]; residency: VcpuResidency[] } = { streams: [], paths: [], residency: [] };
    const wakes = new Array<number>(this.topo.cpuCount).fill(0);
    const wakeSources: { wakee: WTask; i: number; from: number; ratePerSec: number; why: string }[] = [];
    this.rates = new Map();

    // Pass 1: what each guest's workload does to its host mm (docs/architecture.md §3.2–3.3).
    const guests = this.ws.guests.map((g) => {
      const load = this.loads.get(g.name)!;
      const vIdx = this.guestTasks('vcpu', g.name);
      const wIdx = this.guestTasks('qemu-worker', g.name);
      const vcpuShares = vIdx.map((i) => this.share(i));
      const { u, speed } = guestSpeed(load.demand, vcpuShares);
      const io = guestIoRate(load, speed, wIdx.map((i) => this.share(i)));
      const scan = this.ksmOn(g) && ksmMem > 0 ? (ksmScan * g.memoryBytes) / ksmMem : 0;
      const mm = guestMm({ memoryBytes: g.memoryBytes, thp: this.thpOn(g), thpBuffers: this.thpBuffers(g), load, speed, io, scan }, params);
      return { g, load, vIdx, wIdx, vcpuShares, u, speed, io, mm };
    });
    const share = collapseShare(
      guests.reduce((a, x) => a + x.mm.splits, 0),
      this.running('khugepaged'),
      params,
    );

    // Pass 2: exits per guest, the call paths its tasks run, the IPIs they send, vCPU residency.
    for (const { g, load, vIdx, wIdx, vcpuShares, u, speed, io, mm } of guests) {
      const collapses = mm.splits * share;
      const { exits, hostFaults, kicks } = guestExits(g, { load, u, speed, io, mm, collapses, vcpuShares }, params);
      this.rates.set(g.name, { exits, ioPerSec: io, hostFaultsPerSec: hostFaults, bcast: { ksmd: mm.ksmSplits, khugepaged: collapses, vcpu: mm.vcpuSplits, worker: mm.workerSplits } });
      const gp = this.paths.get(g.name)!;
      const liveV = vIdx.filter((i) => this.share(i) > 0);
      const liveW = wIdx.filter((i) => this.share(i) > 0);
      const ksmd = this.indexOf('ksmd');
      const khugepaged = this.indexOf('khugepaged');
      const rates = guestPathRates(
        { name: g.name, vcpus: liveV.length, workers: liveW.length, ksmdRuns: ksmd >= 0 && this.share(ksmd) > 0, khugepagedRuns: khugepaged >= 0 && this.share(khugepaged) > 0, hostFaults, io, mm, collapses },
        params,
      );
      const run = (i: number, list: PathRate[]) => {
        const cpu = this.cpuOf[i];
        for (const r of list) out.paths.push({ task: this.tasks[i].e, cpu, path: gp[r.path], ratePerSec: r.perTask, why: r.why, ...(r.broadcast ? { targets: (this.cpumask.get(g.name) ?? []).filter((c) => c !== cpu) } : {}) });
      };
      for (const v of liveV) run(v, rates.vcpu);
      for (const w of liveW) run(w, rates.worker);
      if (ksmd >= 0) run(ksmd, rates.ksmd);
      if (khugepaged >= 0) run(khugepaged, rates.khugepaged);
      this.guestStreams(out, g, io, mm.scan, kicks, liveV, liveW, wakes, wakeSources);
      // Host residency: each exit keeps the vCPU thread in the host for its handling time.
      const remote = this.remoteShare.get(g.name)!;
      for (const v of liveV) {
        const cpu = this.cpuOf[v];
        out.residency.push({ cpu, task: this.tasks[v].e, hostShare: vcpuHostNsPerSec(exits, liveV.length, remote(this.tasks[v].e.vcpu!, this.nodeOf[cpu]), params) / 1e9 });
      }
    }
    this.hostStressStreams(out, wakes, wakeSources);
    this.wakeOnVcpuStreams(out, wakeSources);
    // ...and each host IPI that reaches its CPU.
    const hostIpis = hostIpiRates(this.topo.cpuCount, out.streams, out.paths);
    for (const r of out.residency) r.hostShare = hostShareWithDoorbells(r.hostShare, hostIpis[r.cpu], params);
    this.historyRates(wakes);
    this.fabric.setTraffic(out);
  }

  /** The CPU that takes a socket's device interrupts (block completions). */
  private irqCpu(cpu: number): number {
    return this.topo.socketCpus(this.topo.place(cpu).socket)[0];
  }

  /**
   * One guest's IPIs: each block request's completion wakes a QEMU worker from the IRQ CPU
   * (ttwu_queue_remote across sockets); a guest IPI to a vCPU of the same virtual core is a
   * doorbell (msgsndp) KVM emulates with a kick (kvmppc_fast_vcpu_kick_hv) to the CPU running it;
   * and at the start of each pass over the guest's memory ksmd's lru_add_drain_all wakes the
   * per-CPU kworker of every CPU whose tasks faulted pages in.
   */
  private guestStreams(out: { streams: IpiStream[] }, g: Guest, io: number, scan: number, kicks: number, liveV: number[], liveW: number[], wakes: number[], sources: { wakee: WTask; i: number; from: number; ratePerSec: number; why: string }[]): void {
    for (const w of liveW) {
      const wc = this.cpuOf[w];
      const perW = io / liveW.length;
      wakes[wc] += perW;
      sources.push({ wakee: this.tasks[w], i: w, from: this.irqCpu(wc), ratePerSec: perW, why: `QEMU worker (${g.name})` });
      if (this.irqCpu(wc) !== wc) out.streams.push({ kind: 'reschedule_wake', from: this.irqCpu(wc), to: wc, ratePerSec: perW, why: `block completion wakes QEMU worker (${g.name})`, wakee: this.tasks[w].e });
    }
    // Sibling vCPUs (same virtual core) kick each other; the rate is per vCPU.
    const vcores = new Map<string, number[]>();
    for (const v of liveV) vcores.set(this.tasks[v].group!, [...(vcores.get(this.tasks[v].group!) ?? []), v]);
    for (const members of vcores.values()) {
      if (members.length < 2) continue;
      for (const v of members) {
        const from = this.cpuOf[members.find((m) => m !== v)!];
        out.streams.push({ kind: 'vcpu_kick', from, to: this.cpuOf[v], ratePerSec: kicks / liveV.length, why: `guest doorbell to a sibling vCPU, emulated by KVM (${g.name})` });
      }
    }
    // ksmd: one full pass over the guest's memory per guestPages / scan seconds.
    const ksmd = this.indexOf('ksmd');
    if (ksmd >= 0 && scan > 0 && this.share(ksmd) > 0) {
      const passPerSec = scan / Math.max(1, g.memoryBytes / this.num('guest.page_bytes'));
      const from = this.cpuOf[ksmd];
      wakes[from] += 1000 / this.num('host.ksm.sleep_ms');
      sources.push({ wakee: this.tasks[ksmd], i: ksmd, from: this.irqCpu(from), ratePerSec: (1000 / this.num('host.ksm.sleep_ms')) * (g.memoryBytes / Math.max(1, this.ksmMemory())), why: 'ksmd' });
      for (const v of liveV) if (this.cpuOf[v] !== from) out.streams.push({ kind: 'reschedule_wake', from, to: this.cpuOf[v], ratePerSec: passPerSec, why: `ksmd lru_add_drain_all wakes kworker (${g.name})` });
    }
  }

  /** Host stress io/hdd workers: blk-mq completes on the IRQ CPU and IPIs the submitting CPU, then wakes the worker. */
  private hostStressStreams(out: { streams: IpiStream[] }, wakes: number[], sources: { wakee: WTask; i: number; from: number; ratePerSec: number; why: string }[]): void {
    this.tasks.forEach((task, i) => {
      if (task.e.kind !== 'stress' || (task.hog !== 'io' && task.hog !== 'hdd') || this.share(i) === 0) return;
      const c = this.cpuOf[i];
      const rate = (task.hog === 'io' ? this.num('stress.io.syncs_per_s') * this.num('stress.io.completions_per_sync') : this.num('stress.hdd.completions_per_s')) * this.share(i);
      wakes[c] += rate;
      sources.push({ wakee: task, i, from: this.irqCpu(c), ratePerSec: rate, why: `host stress ${task.hog} worker` });
      if (this.irqCpu(c) !== c) out.streams.push({ kind: 'call_function_single', from: this.irqCpu(c), to: c, ratePerSec: rate, why: `host block completion (stress ${task.hog})` });
    });
  }

  /**
   * Host wakeups placed on a CPU running a vCPU. select_idle_sibling puts a woken task on an idle
   * CPU of its previous CPU's LLC domain (the host's caches; a POWER9 core pair: 2 × SMT4 sharing
   * L2 and L3) when it finds one; only when every CPU there is busy does it stay on a busy one.
   * Only CPUs in the task's cpus_ptr are candidates (a QEMU thread pinned away from the vCPUs
   * never lands on one). So a wakeup lands
   * on a CPU in the guest with the probability that the domain has no idle CPU (the product of
   * their busy shares, the wakee's own demand left out), plus `host.sched.wake_on_vcpu_extra`,
   * spread over the domain's CPUs in the guest (over the socket's, for the extra). From another
   * cache domain ttwu_queue_remote queues the task on the wake_list and sends RESCHEDULE; from the
   * same one the waker activates it and resched_curr sends RESCHEDULE.
   */
  private wakeOnVcpuStreams(out: { streams: IpiStream[] }, sources: { wakee: WTask; i: number; from: number; ratePerSec: number; why: string }[]): void {
    const extra = this.num('host.sched.wake_on_vcpu_extra');
    const inGuest = (c: number) => this.cpus.get(c).kind === 'guest';
    for (const src of sources) {
      const prev = this.cpuOf[src.i];
      if (prev < 0 || src.ratePerSec <= 0) continue;
      const allowed = src.wakee.allowed;
      const may = (c: number) => !allowed || allowed.includes(c);
      const dom = this.llcCpus[this.llcOf[prev]].filter(may);
      let allBusy = 1;
      for (const c of dom) allBusy *= Math.min(1, Math.max(0, this.cpuLoad[c] - (c === prev ? src.wakee.demand : 0)));
      const near = dom.filter(inGuest);
      const far = this.topo.socketCpus(this.topo.place(src.from).socket).filter((c) => inGuest(c) && may(c));
      const send = (targets: number[], rate: number) => {
        for (const to of targets) {
          if (to === src.from) continue;
          const sameDomain = this.llcOf[to] === this.llcOf[src.from];
          out.streams.push({ kind: sameDomain ? 'reschedule' : 'reschedule_wake', from: src.from, to, ratePerSec: rate / targets.length, why: `${src.why} woken onto a CPU running a vCPU`, ...(sameDomain ? {} : { wakee: src.wakee.e }) });
        }
      };
      if (allBusy > 0 && near.length) send(near, src.ratePerSec * allBusy);
      if (extra > 0 && far.length) send(far, src.ratePerSec * extra);
    }
  }

  /**
   * RCU history rates: a CPU enters idle each time a task on it wakes after its CPU went idle
   * (wakeups × idle share); it runs RCU_SOFTIRQ about once per grace period while busy, and
   * grace periods end every jiffies_till_first_fqs + 2 jiffies on a busy host.
   */
  private historyRates(wakes: number[]): void {
    const hz = this.num('host.hz');
    const gpPerSec = hz / (1 + (hz > 250 ? 1 : 0) + (hz > 500 ? 1 : 0) + Math.floor(this.topo.cpuCount / 256) + 2);
    for (let c = 0; c < this.topo.cpuCount; c++) {
      this.idleRate[c] = wakes[c] * (1 - Math.min(1, this.busyFrac[c]));
      this.softirqRate[c] = gpPerSec * Math.min(1, this.busyFrac[c]);
    }
  }

  // ---- results ------------------------------------------------------------------------------

  /** Busy fraction per CPU over [0, now]. */
  busy(): number[] {
    this.advance(this.sim.now);
    const t = this.sim.now;
    return this.busyNs.map((b) => (t > 0 ? Math.min(1, b / t) : 0));
  }

  /** Exit counts per guest, rounded, reasons in a fixed order (pt_write only for shadow paging). */
  exitCounts(): { name: string; mmu: string; exits: Record<string, number> }[] {
    this.advance(this.sim.now);
    return this.ws.guests.map((g) => {
      const e = this.exits.get(g.name)!;
      const out: Record<string, number> = {};
      for (const r of EXIT_REASONS) out[r] = Math.round(e[r]);
      if (g.mmu === 'shadow') out.pt_write = Math.round(e.pt_write);
      return { name: g.name, mmu: g.mmu, exits: out };
    });
  }

  /**
   * Exits so far per guest, all reasons summed, computed without advancing the integrators
   * (live sampling must not change the float sums the summary rounds).
   */
  exitTotals(): Record<string, number> {
    const sec = Math.max(0, this.sim.now - this.lastAdvance) / 1e9;
    const out: Record<string, number> = {};
    for (const g of this.ws.guests) {
      const e = this.exits.get(g.name)!;
      const r = this.rates.get(g.name)?.exits;
      let n = 0;
      for (const k of Object.keys(e) as ExitReason[]) n += e[k] + (r?.[k] ?? 0) * sec;
      out[g.name] = Math.round(n);
    }
    return out;
  }

  /** Host IPIs (RESCHEDULE, CALL_FUNCTION…, not KVM's kicks) delivered so far to CPUs running a vCPU, per guest. */
  hostIpisToVcpus(): Record<string, number> {
    this.fabric.settle();
    return Object.fromEntries(this.ws.guests.map((g) => [g.name, Math.round(this.hostIpisIn.get(g.name) ?? 0)]));
  }

  /** Current per-CPU busy fraction (for live updates). */
  currentBusy(): readonly number[] {
    return this.busyFrac;
  }

  /** Every task entity (for the summary and the invariant checks of tests). */
  taskEntities(): Task[] {
    return this.tasks.map((t) => t.e);
  }

  snapshot() {
    return { placements: this.placements, busy: [...this.busyFrac] };
  }
}
