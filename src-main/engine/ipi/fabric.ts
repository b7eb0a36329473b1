/**
 * THE SEAM between the workload model (power9/, kvm/, stress/, run/ — simulation engineer) and
 * the IPI model (ipi/, memory-model/ — IPI engineer). This file is the contract; the rest of
 * ipi/ implements it.
 *
 * The workload model decides WHO sends WHICH inter-processor interrupts and HOW OFTEN; it never
 * decides whether one arrives. It talks to the fabric in two ways:
 *
 *  1. Background traffic, as rates. `setTraffic({streams, locks})` is called at start and again
 *     whenever placement changes (a CPU starts or stops spinning, a task moves). Each stream is a
 *     Poisson flow of one IPI kind from one CPU to one CPU (reschedule IPIs from io/vm wakeups,
 *     CALL_FUNCTION_SINGLE from remote block completions). `locks` lists who takes which lock how
 *     often (`mode: 'spin'` = spinlock, busy-waits when held; `'sleep'` = mutex/rwsem, blocks):
 *     when a lock holder gets stuck, these are the CPUs that pile up behind it. A fabric may
 *     sample streams as events, account them statistically, or simulate only overlaps.
 *  2. Discrete broadcasts. `callFunctionMany(from, targets, heldLocks, onDone)` is
 *     smp_call_function_many() from a host mm change (THP split/collapse, KSM merge) on the CPU
 *     `from`, which holds `heldLocks` until every target ran the function; `onDone` is called when
 *     the sender returns (never, if an IPI is lost). `sendReschedule` is a single reschedule IPI.
 *
 * The fabric owns the outcome: delivery latency, the host_ipi/doorbell handshake under the memory
 * model and `barriers`, lost IPIs, and the consequences — it makes CPUs spin via
 * `ctx.cpus.spin(cpu, on, now)` (a spinning CPU runs nothing else until `release`), blocks
 * sleepers, runs the watchdog / RCU-stall / hung-task detectors, prints their kernel-log lines
 * through `ctx.sim.printk`, and reports `lockups()` and `stats()` for the run summary. It calls
 * `onDelivered` listeners for each IPI that reached a CPU (the KVM model counts doorbell exits).
 *
 * `ImmediateFabric` below is the placeholder: every IPI arrives after a fixed latency, nothing is
 * ever lost, no lock is ever held for long. `run/build.ts` picks the fabric in one line.
 */
import { Priority, type Component, type Simulation } from '../core';
import type { CpuStates, TaskRef } from '../power9/cpus';

/**
 * `vcpu_kick`: KVM waking a vCPU that runs in a guest with a bare msgsnd
 * (kvmppc_fast_vcpu_kick_hv), which sets no message and no host_ipi; every other kind is a host
 * IPI (smp_muxed_ipi_set_message + doorbell_global_ipi).
 */
export type IpiKind = 'reschedule' | 'call_function' | 'call_function_single' | 'vcpu_kick';

/** A Poisson flow of IPIs of one kind from one CPU to another. */
export interface IpiStream {
  kind: IpiKind;
  from: number;
  to: number;
  ratePerSec: number;
  /** Why the workload sends these, e.g. `io wakeup (A)`. */
  why: string;
}

/** A task on `cpu` that takes `lock` at `ratePerSec`. */
export interface LockDemand {
  lock: string;
  cpu: number;
  task: TaskRef;
  ratePerSec: number;
  mode: 'spin' | 'sleep';
}

export interface IpiTraffic {
  streams: IpiStream[];
  locks: LockDemand[];
}

export interface IpiStats {
  /** IPIs sent (streams counted by their expected number). */
  sent: number;
  delivered: number;
  lost: number;
  /** smp_call_function_many calls. */
  broadcasts: number;
}

/** One entry of the run summary's `lockups`: which CPU got stuck, how it was detected, on what. */
export interface Lockup {
  /** Simulated seconds. */
  t: number;
  cpu: number;
  kind: 'soft_lockup' | 'rcu_stall' | 'hung_task' | 'csd_wait';
  waitingOn: string;
  task?: string;
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
  barriers: Barriers;
}

export type DeliveryListener = (to: number, kind: IpiKind, count: number) => void;

export interface IpiFabric extends Component {
  setTraffic(traffic: IpiTraffic): void;
  sendReschedule(from: number, to: number): void;
  callFunctionMany(from: number, targets: readonly number[], heldLocks: readonly string[], onDone: () => void): void;
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
}

export type FabricFactory = (ctx: FabricContext) => IpiFabric;

/** The placeholder fabric: every IPI is delivered after `ipi.delivery_ns`; none is ever lost. */
export class ImmediateFabric implements IpiFabric {
  readonly name = 'ipi';
  private traffic: IpiTraffic = { streams: [], locks: [] };
  private trafficSince = 0;
  /** Expected stream IPIs up to trafficSince. */
  private streamed = 0;
  private discrete = 0;
  private broadcasts = 0;
  private readonly listeners: DeliveryListener[] = [];
  private readonly latency: number;

  constructor(private readonly ctx: FabricContext) {
    this.latency = ctx.sim.params.get('ipi.delivery_ns');
  }

  setTraffic(traffic: IpiTraffic): void {
    this.flushStreams();
    this.traffic = traffic;
  }

  sendReschedule(from: number, to: number): void {
    this.discrete++;
    this.ctx.sim.after(this.latency, Priority.INTERRUPT, () => this.deliver(to, 'reschedule', 1), 'ipi.reschedule');
    void from;
  }

  callFunctionMany(from: number, targets: readonly number[], heldLocks: readonly string[], onDone: () => void): void {
    this.broadcasts++;
    this.discrete += targets.length;
    const list = [...targets];
    // One event for the whole broadcast: every target runs the function after the same latency.
    this.ctx.sim.after(
      this.latency,
      Priority.INTERRUPT,
      () => {
        for (const t of list) this.deliver(t, 'call_function', 1);
        onDone();
      },
      'ipi.call_function_many',
    );
    void from;
    void heldLocks;
  }

  onDelivered(listener: DeliveryListener): void {
    this.listeners.push(listener);
  }

  stats(): IpiStats {
    const dtSec = Math.max(0, this.ctx.sim.now - this.trafficSince) / 1e9;
    const pending = this.traffic.streams.reduce((n, s) => n + s.ratePerSec * dtSec, 0);
    const sent = this.discrete + Math.round(this.streamed + pending);
    return { sent, delivered: sent, lost: 0, broadcasts: this.broadcasts };
  }

  lockups(): Lockup[] {
    return [];
  }

  settle(): void {
    this.flushStreams();
  }

  /** Counts the expected stream IPIs since the traffic was last set, and reports them delivered. */
  private flushStreams(): void {
    const now = this.ctx.sim.now;
    const dtSec = (now - this.trafficSince) / 1e9;
    this.trafficSince = now;
    if (dtSec <= 0) return;
    for (const s of this.traffic.streams) {
      const n = s.ratePerSec * dtSec;
      this.streamed += n;
      for (const l of this.listeners) l(s.to, s.kind, n);
    }
  }

  private deliver(to: number, kind: IpiKind, count: number): void {
    for (const l of this.listeners) l(to, kind, count);
  }
}

export const createImmediateFabric: FabricFactory = (ctx) => new ImmediateFabric(ctx);
