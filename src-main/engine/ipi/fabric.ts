import type { EpisodeRecord } from './episode-record';
/**
 * THE SEAM between the workload model (power9/, kvm/, stress/, run/) and the IPI model (ipi/).
 * This file is the contract; power-fabric.ts implements it.
 *
 * The workload model decides WHO sends WHICH inter-processor interrupts and HOW OFTEN, and which
 * kernel call paths each task runs; it never decides whether an IPI arrives. It hands the fabric
 * one `IpiTraffic` at start and again whenever placement or a task's state changes:
 *  - `streams`: Poisson flows of one IPI kind to one CPU (RESCHEDULEs from host wakeups, vCPU
 *    kicks from the guest's own doorbells, block completions);
 *  - `paths`: call paths tasks run at a rate (power9/host-kernel.ts) — lock users, and the host
 *    mm changes whose `broadcast` step is smp_call_function_many to a guest mm's CPUs;
 *  - `residency`: for each CPU running a vCPU, the share of time its thread spends in the host
 *    (exits for page faults, hcalls, the timer), where a doorbell is handled whatever host_ipi
 *    says.
 * The fabric owns the outcome: which handshakes run in detail, which IPIs are lost, what gets
 * stuck (through the HostKernel), rescues, the lockup detectors, and the figures of the run.
 */
import type { Component, Simulation } from '../core';
import type { CpuStates } from '../power9/cpus';
import type { CallPath, HostKernel } from '../power9/host-kernel';
import type { Task } from '../power9/tasks';

/**
 * `reschedule`: resched_curr → smp_send_reschedule (nothing queued); `reschedule_wake`:
 * ttwu_queue_remote (the woken task on rq->wake_list); `call_function_single`: a csd on the
 * call_single_queue (smp_call_function_single, blk-mq remote completion); `call_function`: one
 * target of smp_call_function_many (counted from the broadcast paths); `vcpu_kick`: KVM waking a
 * vCPU in the guest with a bare msgsnd (kvmppc_fast_vcpu_kick_hv), no message, no host_ipi.
 */
export type IpiKind = 'reschedule' | 'reschedule_wake' | 'call_function' | 'call_function_single' | 'vcpu_kick';

/** A Poisson flow of IPIs of one kind from one CPU to another. */
export interface IpiStream {
  kind: Exclude<IpiKind, 'call_function'>;
  from: number;
  to: number;
  ratePerSec: number;
  /** Why the workload sends these, e.g. `ksmd lru_add_drain_all (A)`. */
  why: string;
  /** reschedule_wake: the task being woken (it stays on the wake_list if the IPI is lost). */
  wakee?: Task;
}

/** A call path a task runs at a rate, on the CPU it was placed on. */
export interface PathSource {
  task: Task;
  cpu: number;
  path: CallPath;
  ratePerSec: number;
  /** For a path with a broadcast step: its targets at this placement (the mm cpumask without `cpu`). */
  targets?: readonly number[];
  why: string;
}

/** The share of time the vCPU thread on `cpu` spends in the host (not in the guest). */
export interface VcpuResidency {
  cpu: number;
  task: Task;
  hostShare: number;
}

export interface IpiTraffic {
  streams: IpiStream[];
  paths: PathSource[];
  residency: VcpuResidency[];
}

export interface IpiStats {
  /** IPIs sent (streams and broadcast targets counted by their expected number). */
  sent: number;
  delivered: number;
  /** IPIs whose work (a csd, a woken task) was left stranded. */
  lost: number;
  /** smp_call_function_many calls. */
  broadcasts: number;
}

/** One lost IPI: what was stranded, what raced it, and who sent it. */
export interface LostIpi {
  /** Simulated seconds. */
  t: number;
  cpu: number;
  /** The lost IPI's kind: CALL_FUNCTION, CALL_FUNCTION_SINGLE or RESCHEDULE (ttwu_queue_remote). */
  kind: string;
  /** The kinds of the other IPIs or kicks in the same handshake. */
  partners: string[];
  /** The task whose csd or wakeup it was (`ksmd:791`), when known. */
  sender?: string;
  /** The CPU that task sent it from (a CALL_FUNCTION's broadcaster), when known. */
  senderCpu?: number;
  /** The handshake episode that lost it (ipi/episode-record.ts). */
  episode?: EpisodeRecord;
}

/** One entry of the run summary's `lockups`: which CPU got stuck, how it was detected, on what. */
export interface Lockup {
  /** Simulated seconds. */
  t: number;
  cpu: number;
  kind: 'soft_lockup' | 'rcu_stall' | 'hung_task' | 'csd_wait';
  waitingOn: string;
  task?: string;
  /**
   * Soft lockup and hung task: the task's kernel stack as the report's `Call Trace:` prints it,
   * innermost first (power9/call-trace.ts), from the call path the model has it stuck in.
   */
  callTrace?: string[];
}

export interface Barriers {
  /** smp_mb() before setting host_ipi. */
  beforeSet: boolean;
  /** smp_mb() after clearing host_ipi. */
  afterClear: boolean;
}

export interface FabricContext {
  sim: Simulation;
  cpus: CpuStates;
  kernel: HostKernel;
  barriers: Barriers;
}

export type DeliveryListener = (to: number, kind: IpiKind, count: number) => void;

export interface IpiFabric extends Component {
  setTraffic(traffic: IpiTraffic): void;
  onDelivered(listener: DeliveryListener): void;
  /**
   * Counts the stream IPIs (those accounted from their rates) up to now and reports them to the
   * `onDelivered` listeners. Called when the traffic changes and once at the end of a run: only
   * at simulated instants the model decides, so float sums never depend on wall-clock timing.
   */
  settle(): void;
  /** The figures so far, including stream IPIs not yet settled. Pure: safe to call any time. */
  stats(): IpiStats;
  lockups(): Lockup[];
  losses(): LostIpi[];
}

export type FabricFactory = (ctx: FabricContext) => IpiFabric;

/**
 * The placeholder fabric: every IPI is delivered, nothing is ever lost, every path runs
 * through in no time. For tests and benchmarks of the workload model alone.
 */
export class ImmediateFabric implements IpiFabric {
  readonly name = 'ipi';
  private traffic: IpiTraffic = { streams: [], paths: [], residency: [] };
  private trafficSince = 0;
  private sent = 0;
  private broadcasts = 0;
  private readonly listeners: DeliveryListener[] = [];

  constructor(private readonly ctx: FabricContext) {}

  setTraffic(traffic: IpiTraffic): void {
    this.flush();
    this.traffic = traffic;
  }

  onDelivered(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  stats(): IpiStats {
    const { sent, broadcasts } = this.pending();
    const n = Math.round(this.sent + sent);
    return { sent: n, delivered: n, lost: 0, broadcasts: Math.round(this.broadcasts + broadcasts) };
  }

  lockups(): Lockup[] {
    return [];
  }

  losses(): LostIpi[] {
    return [];
  }

  settle(): void {
    this.flush();
  }

  private pending(): { sent: number; broadcasts: number } {
    const dt = Math.max(0, this.ctx.sim.now - this.trafficSince) / 1e9;
    let sent = 0;
    let broadcasts = 0;
    for (const s of this.traffic.streams) sent += s.ratePerSec * dt;
    for (const p of this.traffic.paths) {
      if (!p.targets) continue;
      broadcasts += p.ratePerSec * dt;
      sent += p.ratePerSec * p.targets.length * dt;
    }
    return { sent, broadcasts };
  }

  private flush(): void {
    const dt = (this.ctx.sim.now - this.trafficSince) / 1e9;
    const { sent, broadcasts } = this.pending();
    this.trafficSince = this.ctx.sim.now;
    if (dt <= 0) return;
    this.sent += sent;
    this.broadcasts += broadcasts;
    for (const s of this.traffic.streams) for (const l of this.listeners) l(s.to, s.kind, s.ratePerSec * dt);
    for (const p of this.traffic.paths) if (p.targets) for (const t of p.targets) for (const l of this.listeners) l(t, 'call_function', p.ratePerSec * dt);
  }
}

export const createImmediateFabric: FabricFactory = (ctx) => new ImmediateFabric(ctx);
