import { vcpuCount, type Guest, type Workspace } from '../../../src-common/workspace';
import { Priority, type Component, type Rng, type Simulation } from '../core';
import type { IpiFabric, IpiStream, LockDemand } from '../ipi/fabric';
import type { CpuState, CpuStates, TaskRef } from '../power9/cpus';
import { placeTasks, type PlaceTask } from '../power9/placement';
import type { HostTopology } from '../power9/topology';
import { vcpuPlans } from '../kvm/guest';
import { parseStressCommand, type StressOptions } from '../stress/parse';
import type { NumberParamKey } from '../params';
import { wakeupStreams, type WakeSource } from './host-wakeups';
import { collapseShare, guestExits, guestIoRate, guestLoad, guestMm, guestSpeed, ksmScanRate, qemuWorkerDuty, vmWorker, type ExitReason, type GuestLoad } from './rates';

/**
 * The workload model of a run (docs/architecture.md §3.1–3.3), event-efficient: instead of simulating
 * scheduler ticks it places tasks on CPUs analytically (power9/placement) and integrates
 * piecewise-constant rates — CPU busy time, VM exits per reason — between placement changes.
 * Discrete events are only the host mm changes that broadcast CALL_FUNCTION, handed to the IPI
 * fabric. On POWER9 radix those are huge pmd splits and collapses (serialize_against_pte_lookup;
 * every other TLB flush is a tlbie): ksmd splitting a THP to merge pages the guest's --vm
 * workers rewrote, a vCPU's host fault, a QEMU worker's bounce-buffer munmap, khugepaged
 * re-collapsing what was split. Without THP nothing broadcasts; an idle guest gives ksmd nothing. Background IPI traffic and
 * lock usage go to the fabric as rates. The fabric decides outcomes: when it makes a CPU spin,
 * the task on it is frozen, everything else is re-placed and every rate recomputed.
 */
export const EXIT_REASONS = ['page_fault', 'hcall', 'doorbell', 'timer'] as const;
export type { ExitReason };

type TaskKind = 'vcpu' | 'qemu-worker' | 'stress' | 'ksmd' | 'khugepaged';

interface Task extends PlaceTask {
  ref: TaskRef;
  kind: TaskKind;
  guest?: string;
  vcpu?: number;
  /** For stress tasks on the host: which hog. */
  hog?: 'cpu' | 'io' | 'vm' | 'hdd';
}

interface GuestRates {
  exits: Record<ExitReason, number>;
  ioPerSec: number;
  hostFaultsPerSec: number;
  ksmScanPerSec: number;
  /** Broadcast rates by sender kind. */
  bcast: { ksmd: number; khugepaged: number; vcpu: number; worker: number };
}

const PID_BASE = 19500;

export class Machine implements Component {
  readonly name = 'machine';
  private readonly tasks: Task[] = [];
  private readonly loads = new Map<string, GuestLoad>();
  private readonly guestOpts = new Map<string, StressOptions[]>();
  private readonly hostOpts: StressOptions[] = [];
  private cpuOf: number[] = [];
  private cpuLoad: number[] = [];
  private rates = new Map<string, GuestRates>();
  private readonly busyNs: number[];
  private busyFrac: number[];
  readonly exits = new Map<string, Record<ExitReason, number>>();
  private lastAdvance = 0;
  private placing = false;
  private dirty = false;
  private bcastGen = 0;
  private bcastTotal = 0;
  private readonly rngPlace: Rng;
  private readonly rngBcast: Rng;
  broadcasts = 0;
  placements = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly ws: Workspace,
    private readonly topo: HostTopology,
    private readonly cpus: CpuStates,
    private readonly fabric: IpiFabric,
  ) {
    this.busyNs = new Array<number>(topo.cpuCount).fill(0);
    this.busyFrac = new Array<number>(topo.cpuCount).fill(0);
    this.rngPlace = sim.rng('placement');
    this.rngBcast = sim.rng('mm-broadcast');
    this.buildTasks();
  }

  private num(key: NumberParamKey): number {
    return this.sim.params.get(key);
  }

  // ---- construction -------------------------------------------------------------------------

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
      const n = vcpuCount(g);
      const perVcpu = Math.min(1, l.demand / n);
      for (const plan of vcpuPlans(g, this.topo))
        this.tasks.push({ kind: 'vcpu', ref: { comm: `CPU ${plan.vcpu}/KVM`, pid: pid++ }, demand: perVcpu, allowed: plan.allowed, group: `${g.name}:${plan.vcore}`, guest: g.name, vcpu: plan.vcpu });
      if (l.ioPerSec > 0) {
        const nw = Math.round(p('qemu.workers'));
        const duty = qemuWorkerDuty(l.ioPerSec, nw, this.sim.params);
        for (let i = 0; i < nw; i++) this.tasks.push({ kind: 'qemu-worker', ref: { comm: 'worker', pid: pid++ }, demand: duty, allowed: null, guest: g.name });
      }
      this.exits.set(g.name, { page_fault: 0, hcall: 0, doorbell: 0, timer: 0, pt_write: 0 });
    }
    for (const o of this.hostOpts) {
      const add = (hog: Task['hog'], count: number, demand: number) => {
        for (let i = 0; i < count; i++) this.tasks.push({ kind: 'stress', hog, ref: { comm: 'stress', pid: pid++ }, demand, allowed: null });
      };
      add('cpu', o.cpu, p('stress.cpu.duty'));
      add('io', o.io, p('stress.io.duty'));
      add('vm', o.vm, vmWorker(o, this.sim.params).duty);
      add('hdd', o.hdd, p('stress.hdd.duty'));
    }
    if (this.ws.guests.some((g) => this.ksmOn(g))) this.tasks.push({ kind: 'ksmd', ref: { comm: 'ksmd', pid: 791 }, demand: p('host.ksmd.duty'), allowed: null });
    if (this.ws.guests.some((g) => this.thpOn(g))) this.tasks.push({ kind: 'khugepaged', ref: { comm: 'khugepaged', pid: 792 }, demand: p('host.khugepaged.duty'), allowed: null });
  }

  /** KSM scans this guest's memory: the host runs ksmd and QEMU marked the RAM mergeable. */
  private ksmOn(g: Guest): boolean {
    return g.ksm && this.sim.params.get('host.ksm.run');
  }

  /** The host backs this guest's RAM by THPs (QEMU madvises it MADV_HUGEPAGE: always or madvise). */
  private thpOn(g: Guest): boolean {
    return g.thp && this.sim.params.get('host.thp.enabled') !== 'never';
  }

  /** QEMU's own buffers (the workers' bounce buffers) get THPs only with enabled=always. */
  private thpBuffers(g: Guest): boolean {
    return g.thp && this.sim.params.get('host.thp.enabled') === 'always';
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  init(): void {
    this.cpus.onChange((cpu, before, after) => this.onCpuChange(cpu, before, after));
    // A host IPI reaching a CPU that runs a vCPU makes that vCPU exit (doorbell with host_ipi set).
    this.fabric.onDelivered((to, _kind, count) => {
      const e = this.exitsOfCpu[to];
      if (e) e.doorbell += count;
    });
  }

  start(): void {
    this.replace();
  }

  private onCpuChange(_cpu: number, before: CpuState, after: CpuState): void {
    if (this.placing) return;
    if (before.kind === 'spinning' || after.kind === 'spinning') {
      this.sim.trace.emit(this.sim.now, 'cpu.spin', { cpu: _cpu, spinning: after.kind === 'spinning', on: after.kind === 'spinning' ? after.on : null });
      // Re-place after the current event, once for every change at this instant: the component
      // that made the CPU spin (the IPI fabric) is never re-entered in the middle of its work.
      if (!this.replacePending) {
        this.replacePending = true;
        this.sim.after(0, Priority.HARDWARE, () => {
          this.replacePending = false;
          this.replace();
        }, 'machine.replace');
      }
    }
  }

  private replacePending = false;

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
    this.scheduleBroadcast();
  }

  /** Brings busy time and exit counts up to `t`. */
  advance(t: number): void {
    const dt = t - this.lastAdvance;
    if (dt <= 0) return;
    this.lastAdvance = t;
    for (let c = 0; c < this.busyNs.length; c++) this.busyNs[c] += this.busyFrac[c] * dt;
    const sec = dt / 1e9;
    for (const [g, r] of this.rates) {
      const e = this.exits.get(g)!;
      for (const k of Object.keys(r.exits) as ExitReason[]) e[k] += r.exits[k] * sec;
    }
  }

  private frozen(i: number): boolean {
    const c = this.cpuOf[i];
    if (c === undefined || c < 0) return false;
    const s = this.cpus.get(c);
    return s.kind === 'spinning' && s.task?.pid === this.tasks[i].ref.pid;
  }

  private placeAll(): void {
    this.placements++;
    const spinning = (c: number) => this.cpus.isSpinning(c);
    // A task stuck on a spinning CPU stays there; the rest are placed around the spinning CPUs.
    const stuck = this.tasks.map((_, i) => this.frozen(i));
    const movable = this.tasks.map((t, i) => (stuck[i] ? { ...t, allowed: [] as number[] } : t));
    const pl = placeTasks(movable, this.topo, spinning, this.rngPlace);
    this.cpuOf = pl.cpuOf.map((c, i) => (stuck[i] ? this.cpuOf[i] : c));
    this.cpuLoad = pl.load;
    this.stuck = stuck;

    // Per-CPU state: spinning stays; otherwise the task with the largest demand (vCPUs first).
    const top: (number | -1)[] = new Array<number>(this.topo.cpuCount).fill(-1);
    this.tasks.forEach((t, i) => {
      const c = this.cpuOf[i];
      if (c < 0 || stuck[i]) return;
      const cur = top[c];
      if (cur < 0 || t.demand > this.tasks[cur].demand + 1e-12 || (t.kind === 'vcpu' && this.tasks[cur].kind !== 'vcpu' && t.demand >= this.tasks[cur].demand - 1e-12)) top[c] = i;
    });
    for (let c = 0; c < this.topo.cpuCount; c++) {
      const i = top[c];
      const t = i >= 0 ? this.tasks[i] : null;
      const state: CpuState = !t || this.cpuLoad[c] <= 0 ? { kind: 'idle' } : t.kind === 'vcpu' ? { kind: 'guest', guest: t.guest!, vcpu: t.vcpu!, task: t.ref } : { kind: 'host', task: t.ref };
      this.cpus.set(c, state);
      this.busyFrac[c] = this.cpus.isSpinning(c) ? 1 : Math.min(1, this.cpuLoad[c]);
    }
    this.exitsOfCpu = this.cpus.snapshot().map((st) => (st.kind === 'guest' ? this.exits.get(st.guest)! : null));
    this.computeRates();
    this.indexBroadcastCpus();
    this.sim.trace.emit(this.sim.now, 'placement', { n: this.placements, busy: Math.round(this.busyFrac.reduce((a, b) => a + b, 0) * 1000) / 1000 });
  }

  private stuck: boolean[] = [];
  /** Exit counters of the guest whose vCPU each CPU runs (null: not in a guest), per placement. */
  private exitsOfCpu: (Record<ExitReason, number> | null)[] = [];

  /** Share of its demand a placed, unfrozen task actually gets (time-sharing an overloaded CPU). */
  private share(i: number): number {
    const c = this.cpuOf[i];
    if (c < 0 || this.stuck[i] || this.cpus.isSpinning(c)) return 0;
    return Math.min(1, 1 / Math.max(this.cpuLoad[c], 1e-12));
  }

  private running(kind: TaskKind): number {
    const i = this.tasks.findIndex((t) => t.kind === kind);
    return i < 0 ? 0 : this.share(i) > 0 ? 1 : 0;
  }

  /** The tasks of one kind in one guest, by index. */
  private guestTasks(kind: TaskKind, guest: string): number[] {
    return this.tasks.map((t, i) => (t.kind === kind && t.guest === guest ? i : -1)).filter((i) => i >= 0);
  }

  /**
   * Every rate at the current placement (the pure rate model in rates.ts), and the background
   * IPI traffic and lock usage they give the fabric.
   */
  private computeRates(): void {
    const params = this.sim.params;
    const ksmMem = this.ws.guests.filter((g) => this.ksmOn(g)).reduce((n, g) => n + g.memoryBytes, 0);
    const ksmScan = ksmScanRate(this.running('ksmd'), params);
    const traffic = new TrafficBuilder();
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

    // Pass 2: exits per guest, and the traffic its I/O, faults and ksmd's scans generate.
    for (const { g, load, vIdx, wIdx, vcpuShares, u, speed, io, mm } of guests) {
      const collapses = mm.splits * share;
      const { exits, hostFaults } = guestExits(g, { load, u, speed, io, mm, collapses, vcpuShares }, params);
      this.rates.set(g.name, {
        exits,
        ioPerSec: io,
        hostFaultsPerSec: hostFaults,
        ksmScanPerSec: mm.scan,
        bcast: { ksmd: mm.ksmSplits, khugepaged: collapses, vcpu: mm.vcpuSplits, worker: mm.workerSplits },
      });
      this.guestTraffic(traffic, g, io, hostFaults, mm.scan, mm.merges, ksmMem, vIdx, wIdx);
    }
    this.hostStressTraffic(traffic);
    const wakeOnVcpu = params.get('host.sched.wake_on_vcpu_fraction');
    traffic.streams.push(...wakeupStreams(traffic.wakeSources(), this.cpus.snapshot(), this.topo, wakeOnVcpu));
    this.fabric.setTraffic({ streams: traffic.streams, locks: traffic.locks });
  }

  /** The CPU that takes a socket's device interrupts (block completions). */
  private irqCpu(cpu: number): number {
    return this.topo.socketCpus(this.topo.place(cpu).socket)[0];
  }

  /**
   * One guest's background IPIs and lock usage: each block request wakes a QEMU worker (from
   * the IRQ CPU) and the worker kicks a vCPU; workers and vCPUs fault in the guest mm; ksmd
   * scans and merges its pages.
   */
  private guestTraffic(t: TrafficBuilder, g: Guest, io: number, hostFaults: number, scan: number, merges: number, ksmMem: number, vIdx: number[], wIdx: number[]): void {
    const p = (k: NumberParamKey) => this.num(k);
    const wakeOnVcpu = p('host.sched.wake_on_vcpu_fraction');
    const liveW = wIdx.filter((i) => this.share(i) > 0);
    const liveV = vIdx.filter((i) => this.share(i) > 0);
    for (const w of liveW) {
      const wc = this.cpuOf[w];
      const perW = io / liveW.length;
      // Usually the worker wakes where it was placed; a fraction lands on a CPU running a vCPU.
      if (this.irqCpu(wc) !== wc) t.streams.push({ kind: 'reschedule', from: this.irqCpu(wc), to: wc, ratePerSec: perW * (1 - wakeOnVcpu), why: `block completion wakes QEMU worker (${g.name})` });
      t.wake(this.irqCpu(wc), perW, `QEMU worker (${g.name})`);
      for (const v of liveV) {
        const vc = this.cpuOf[v];
        if (vc !== wc) t.streams.push({ kind: 'vcpu_kick', from: wc, to: vc, ratePerSec: perW / liveV.length, why: `QEMU worker kicks vCPU (${g.name})` });
      }
      t.locks.push({ lock: `mm(${g.name}).page_table_lock`, cpu: wc, task: this.tasks[w].ref, ratePerSec: perW * p('qemu.worker_fault_per_io'), mode: 'spin' });
      t.locks.push({ lock: `mm(${g.name}).mmap_sem`, cpu: wc, task: this.tasks[w].ref, ratePerSec: perW * p('qemu.worker_fault_per_io'), mode: 'sleep' });
    }
    for (const v of liveV) {
      const perV = hostFaults / Math.max(1, liveV.length);
      t.locks.push({ lock: `kvm(${g.name}).mmu_lock`, cpu: this.cpuOf[v], task: this.tasks[v].ref, ratePerSec: perV, mode: 'spin' });
      t.locks.push({ lock: `mm(${g.name}).page_table_lock`, cpu: this.cpuOf[v], task: this.tasks[v].ref, ratePerSec: perV, mode: 'spin' });
    }
    const ksmd = this.tasks.findIndex((x) => x.kind === 'ksmd');
    if (ksmd >= 0 && scan > 0 && this.share(ksmd) > 0) {
      t.wake(this.cpuOf[ksmd], (1000 / p('host.ksm.sleep_ms')) * (g.memoryBytes / ksmMem), 'ksmd');
      // follow_page takes the pte lock of every page ksmd scans; a merge also takes kvm->mmu_lock (change_pte notifier).
      t.locks.push({ lock: `mm(${g.name}).page_table_lock`, cpu: this.cpuOf[ksmd], task: this.tasks[ksmd].ref, ratePerSec: scan, mode: 'spin' });
      t.locks.push({ lock: `kvm(${g.name}).mmu_lock`, cpu: this.cpuOf[ksmd], task: this.tasks[ksmd].ref, ratePerSec: merges, mode: 'spin' });
      t.locks.push({ lock: `mm(${g.name}).mmap_sem`, cpu: this.cpuOf[ksmd], task: this.tasks[ksmd].ref, ratePerSec: scan / Math.max(1, p('host.ksm.pages_to_scan')), mode: 'sleep' });
    }
  }

  /** Host stress io/hdd workers: blk-mq completes on the IRQ CPU and IPIs the submitting CPU. */
  private hostStressTraffic(t: TrafficBuilder): void {
    const p = (k: NumberParamKey) => this.num(k);
    this.tasks.forEach((task, i) => {
      if (task.kind !== 'stress' || (task.hog !== 'io' && task.hog !== 'hdd') || this.share(i) === 0) return;
      const c = this.cpuOf[i];
      const rate = task.hog === 'io' ? p('stress.io.syncs_per_s') * p('stress.io.completions_per_sync') : p('stress.hdd.completions_per_s');
      if (this.irqCpu(c) !== c) t.streams.push({ kind: 'call_function_single', from: this.irqCpu(c), to: c, ratePerSec: rate * this.share(i), why: 'host block completion (stress)' });
      // The completion then wakes the worker sleeping on it.
      t.wake(c, rate * this.share(i), `host stress ${task.hog} worker`);
    });
  }

  // ---- discrete host mm changes -------------------------------------------------------------

  /** Broadcast sources (guest, sender kind) with cumulative rates, for one draw per event. */
  private bcastSources: { guest: string; sender: 'ksmd' | 'khugepaged' | 'vcpu' | 'worker'; cum: number }[] = [];

  private scheduleBroadcast(): void {
    const gen = ++this.bcastGen;
    let total = 0;
    this.bcastSources = [];
    for (const [guest, r] of this.rates)
      for (const sender of ['ksmd', 'khugepaged', 'vcpu', 'worker'] as const) {
        if (r.bcast[sender] <= 0) continue;
        total += r.bcast[sender];
        this.bcastSources.push({ guest, sender, cum: total });
      }
    this.bcastTotal = total;
    if (total <= 0) return;
    // Poisson: memoryless, so redrawing after every rate change is exact.
    const meanNs = 1e9 / total;
    const tick = () => {
      if (gen !== this.bcastGen) return;
      const x = this.rngBcast.float() * total;
      const src = this.bcastSources.find((s) => x < s.cum) ?? this.bcastSources[this.bcastSources.length - 1];
      this.fire(src.guest, src.sender);
      if (gen === this.bcastGen) this.sim.after(Math.max(1, this.rngBcast.exp(meanNs)), Priority.DEFAULT, tick, 'mm.broadcast');
    };
    this.sim.after(Math.max(1, this.rngBcast.exp(meanNs)), Priority.DEFAULT, tick, 'mm.broadcast');
  }

  /** Sender CPUs per `guest:kind` and mm cpumask per guest, rebuilt at every placement. */
  private senders = new Map<string, number[]>();
  private cpumask = new Map<string, number[]>();

  private indexBroadcastCpus(): void {
    this.senders = new Map();
    this.cpumask = new Map();
    this.tasks.forEach((t, i) => {
      if (this.share(i) <= 0) return;
      const c = this.cpuOf[i];
      const keys = t.kind === 'ksmd' || t.kind === 'khugepaged' ? this.ws.guests.map((g) => `${g.name}:${t.kind}`) : t.guest ? [`${t.guest}:${t.kind}`] : [];
      for (const k of keys) this.senders.set(k, [...(this.senders.get(k) ?? []), c]);
      // The guest mm's cpumask: CPUs running its vCPUs or its QEMU workers.
      if ((t.kind === 'vcpu' || t.kind === 'qemu-worker') && t.guest) {
        const m = this.cpumask.get(t.guest) ?? [];
        if (!m.includes(c)) m.push(c);
        this.cpumask.set(t.guest, m);
      }
    });
    for (const m of this.cpumask.values()) m.sort((a, b) => a - b);
  }

  /** One smp_call_function_many to the CPUs in the guest mm's cpumask, from a running sender. */
  private fire(guest: string, sender: 'ksmd' | 'khugepaged' | 'vcpu' | 'worker'): void {
    const kind: TaskKind = sender === 'vcpu' ? 'vcpu' : sender === 'worker' ? 'qemu-worker' : sender;
    const cands = this.senders.get(`${guest}:${kind}`);
    if (!cands || cands.length === 0) return;
    const from = cands[this.rngBcast.int(cands.length)];
    const targets = (this.cpumask.get(guest) ?? []).filter((c) => c !== from);
    // Every sender flushes from inside a host mm change, under the guest mm's mmap_sem and the
    // pte/pmd lock it is changing. A vCPU does so in its host page fault
    // (kvmppc_book3s_hv_page_fault → get_user_pages → THP split / KSM CoW): mmap_sem held for
    // read, kvm->mmu_lock only taken afterwards to install the partition-scoped PTE. Readers
    // block behind it too once a QEMU worker's munmap (down_write) queues: the seed's hung
    // `worker` tasks.
    const locks = [`mm(${guest}).mmap_sem`, `mm(${guest}).page_table_lock`];
    this.broadcasts++;
    this.sim.trace.emit(this.sim.now, 'mm.broadcast', { guest, sender, from, targets: targets.length });
    this.fabric.callFunctionMany(from, targets, locks, () => {});
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

  /** Current per-CPU busy fraction (for live updates). */
  currentBusy(): readonly number[] {
    return this.busyFrac;
  }

  snapshot() {
    return { placements: this.placements, broadcasts: this.broadcasts, busy: [...this.busyFrac] };
  }
}

/** The fabric traffic of one placement: IPI streams, lock usage, and host wakeups summed per (waker CPU, reason). */
class TrafficBuilder {
  readonly streams: IpiStream[] = [];
  readonly locks: LockDemand[] = [];
  private readonly wakes = new Map<string, WakeSource>();

  wake(from: number, ratePerSec: number, why: string): void {
    const k = `${from}|${why}`;
    const w = this.wakes.get(k);
    if (w) w.ratePerSec += ratePerSec;
    else this.wakes.set(k, { from, ratePerSec, why });
  }

  wakeSources(): WakeSource[] {
    return [...this.wakes.values()];
  }
}
