/**
 * The kernel's lockup detectors (Linux 5.3), watching tasks the HostKernel reports stuck —
 * spinning with preemption off (csd_lock_wait, a spinlock) or blocked in D state:
 *  - soft-lockup watchdog (kernel/watchdog.c): each CPU's hrtimer fires every 2×thresh/5 and
 *    queues the stopper, which touches watchdog_touch_ts = running_clock() >> 30 when it runs; a
 *    CPU that spins with preemption off never runs it. At a sample where now − touch (both >> 30)
 *    exceeds 2×thresh, the CPU is reported once ("stuck for %us", in those 2^30 ns units) until it
 *    is touched again;
 *  - RCU CPU stall (kernel/rcu/tree_stall.h): a grace period that cannot end (a CPU that spins
 *    never passes a quiescent state) is reported rcu_cpu_stall_timeout after it started and then
 *    every 3×timeout + 3 jiffies, self-detected by a stalled CPU (they get RCU_STALL_RAT_DELAY
 *    jiffies' head start); print_cpu_stall_info's touch_nmi_watchdog touches that CPU's watchdog,
 *    so its soft lockup repeats;
 *  - hung tasks (kernel/hung_task.c): khungtaskd checks every hung_task_timeout_secs; a task in D
 *    state whose switch count has not changed since the previous check is reported, at most
 *    hung_task_warnings times in all.
 * Lines are the kernel's bytes (printk.ts). The `(t=… jiffies g=… q=…)` line after an RCU stall
 * and the stack dumps are printed at the default console level, which the seed's `quiet` boot
 * hides, so they are not printed to the log; a soft lockup's and a hung task's `Call Trace:` is
 * kept with its Lockup (`callTrace`, from `traceOf`) for the app, `twb runs show` and the report.
 */
import { Priority, type EventHandle, type Rng, type Simulation } from '../core';
import type { Lockup } from './fabric';
import type { CpuStates } from '../power9/cpus';
import type { Task } from '../power9/tasks';
import { DYNTICK_IRQ_NONIDLE, hungTaskEchoLine, hungTaskLine, hungTaskTaintLine, rcuSelfDetectedLine, rcuStallInfoLine, softLockupLine, watchdogTimestamp, type TaintFlag } from './printk';

const SEC = 1e9;

/** What the RCU report reads of a CPU's history (the workload model integrates it). */
export interface CpuHistory {
  /** Idle periods the CPU went through since boot (each an EQS entry and exit). */
  idleEntries(cpu: number): number;
  /** RCU_SOFTIRQ invocations on the CPU since boot. */
  rcuSoftirqs(cpu: number): number;
}

interface Spin {
  task: Task;
  /** watchdog_touch_ts: when the stopper last touched, in ns. */
  touchedAt: number;
  warned: boolean;
  /** The next watchdog sample that will look at this spin. */
  check: EventHandle | null;
}

interface Blocked {
  task: Task;
  cpu: number;
  since: number;
  /** last_switch_time: the check that last saw its switch count change (null: none yet). */
  lastSwitchCheck: number | null;
  reported: boolean;
}

export class LockupDetectors {
  readonly lockups: Lockup[] = [];
  private readonly spins = new Map<number, Spin>();
  private readonly blocked = new Map<Task, Blocked>();
  private readonly thresh: number;
  private readonly period: number;
  private readonly watchdogPhase: number[];
  private readonly rcuTimeoutJiffies: number;
  private readonly hz: number;
  private readonly jiffy: number;
  /** jiffies_till_next_fqs: RCU_JIFFIES_TILL_FORCE_QS (1 + (HZ > 250) + (HZ > 500)) + nr_cpu_ids / 256. */
  private readonly fqsJiffies: number;
  private readonly hungTimeout: number;
  private hungWarningsLeft: number;
  private readonly hungPhase: number;
  private readonly release: string;
  private readonly version: string;
  private readonly tainted = new Set<TaintFlag>();
  private rcu: { gpStart: number; cpu: number | null; check: EventHandle | null; softirq: number } | null = null;
  private hungScheduled = false;
  history: CpuHistory = { idleEntries: () => 0, rcuSoftirqs: () => 0 };
  /** The stuck task's stack, innermost first (the fabric reads it from the HostKernel); asked only when a report is printed. */
  traceOf: (task: Task) => string[] | null = () => null;

  constructor(
    private readonly sim: Simulation,
    private readonly cpus: CpuStates,
    private readonly rng: Rng,
  ) {
    const p = sim.params;
    this.thresh = 2 * p.get('watchdog.thresh_s');
    // Integer ns throughout, so a sample time never rounds back onto the current instant.
    this.period = Math.round((2 * p.get('watchdog.thresh_s') * SEC) / 5);
    this.watchdogPhase = Array.from({ length: cpus.count }, () => rng.int(this.period));
    this.hz = p.get('host.hz');
    this.jiffy = SEC / this.hz;
    this.rcuTimeoutJiffies = p.get('rcu.stall_timeout_s') * this.hz;
    this.fqsJiffies = 1 + (this.hz > 250 ? 1 : 0) + (this.hz > 500 ? 1 : 0) + Math.floor(cpus.count / 256);
    this.hungTimeout = Math.round(p.get('hung_task.timeout_s') * SEC);
    this.hungWarningsLeft = p.get('hung_task.warnings');
    this.hungPhase = rng.int(this.hungTimeout);
    const rel = p.get('kernel.release');
    const sp = rel.lastIndexOf(' ');
    this.release = sp < 0 ? rel : rel.slice(0, sp);
    this.version = sp < 0 ? '' : rel.slice(sp + 1);
  }

  // ---- soft lockup ------------------------------------------------------------------------

  /** The watchdog sample of `cpu` at or before `t`. */
  private sampleAtOrBefore(cpu: number, t: number): number {
    const phase = this.watchdogPhase[cpu];
    return phase + Math.floor((t - phase) / this.period) * this.period;
  }

  /** `task` spins on `cpu` from now with preemption off: the stopper stops running there. */
  spinStart(cpu: number, task: Task): void {
    const now = this.sim.now;
    // The stopper last touched at the CPU's last sample before the spin began.
    const old = this.spins.get(cpu);
    if (old?.check) this.sim.cancel(old.check);
    const s: Spin = { task, touchedAt: Math.max(0, this.sampleAtOrBefore(cpu, now)), warned: false, check: null };
    this.spins.set(cpu, s);
    this.scheduleWatchdog(cpu, s);
    if (!this.rcu) {
      // The grace period in progress cannot end while this CPU withholds its quiescent state.
      const r = (this.rcu = { gpStart: now, cpu: null as number | null, check: null as EventHandle | null, softirq: 0 });
      r.check = this.sim.at(now + this.rcuTimeoutJiffies * this.jiffy, Priority.DETECTOR, () => this.rcuCheck(), 'rcu.stall');
    }
  }

  spinEnd(cpu: number): void {
    const s = this.spins.get(cpu);
    if (!s) return;
    if (s.check) this.sim.cancel(s.check);
    this.spins.delete(cpu);
    if (this.rcu?.cpu === cpu) this.rcu.cpu = null;
    // The grace period ends once no CPU holds it up any more.
    if (this.spins.size === 0 && this.rcu) {
      if (this.rcu.check) this.sim.cancel(this.rcu.check);
      this.rcu = null;
    }
  }

  private scheduleWatchdog(cpu: number, s: Spin): void {
    const phase = this.watchdogPhase[cpu];
    // The first sample after now whose timestamp is more than 2×thresh units past the touch.
    const touchTs = watchdogTimestamp(s.touchedAt);
    const due = Math.max(this.sim.now + 1, (touchTs + this.thresh + 1) * 2 ** 30);
    const k = Math.ceil((due - phase) / this.period);
    const at = phase + k * this.period;
    s.check = this.sim.at(at, Priority.DETECTOR, () => this.watchdogCheck(cpu), 'watchdog.softlockup');
  }

  private watchdogCheck(cpu: number): void {
    const s = this.spins.get(cpu)!;
    s.check = null;
    if (s.warned) return;
    const now = this.sim.now;
    const stuck = watchdogTimestamp(now) - watchdogTimestamp(s.touchedAt);
    if (stuck <= this.thresh) {
      this.scheduleWatchdog(cpu, s);
      return;
    }
    const { comm, pid } = s.task.ref;
    this.sim.printk(softLockupLine(cpu, stuck, comm, pid));
    this.tainted.add('SOFTLOCKUP');
    this.lockups.push({ t: now / SEC, cpu, kind: 'soft_lockup', waitingOn: this.waitingOn(s.task), task: s.task.label, ...this.trace(s.task) });
    this.sim.trace.emit(now, 'lockup.soft', { cpu, stuck, task: s.task.label });
    s.warned = true;
  }

  /** touch_softlockup_watchdog on `cpu`: the next sample resets its touch timestamp. */
  private touch(cpu: number): void {
    const s = this.spins.get(cpu);
    if (!s) return;
    const phase = this.watchdogPhase[cpu];
    // watchdog_touch_ts = 0; the next hrtimer sample re-touches it (__touch_watchdog) and clears the warning later.
    const next = phase + Math.ceil((this.sim.now + 1 - phase) / this.period) * this.period;
    s.touchedAt = next;
    s.warned = false;
    if (s.check) this.sim.cancel(s.check);
    this.scheduleWatchdog(cpu, s);
  }

  private trace(task: Task): { callTrace?: string[] } {
    const frames = this.traceOf(task);
    return frames ? { callTrace: frames } : {};
  }

  private waitingOn(task: Task): string {
    const st = task.state;
    if (st.kind === 'spinning' || st.kind === 'blocked') {
      const on = st.on;
      if (on.kind === 'csd') return `csd_lock_wait(cpu ${on.target})`;
      if (on.kind === 'spinlock') return `spinlock ${on.lock.name}${on.lock.holder ? ` held by ${on.lock.holder.label}` : ''}`;
      if (on.kind === 'rwsem') return `${on.mode === 'write' ? 'down_write' : 'down_read'} ${on.lock.name}`;
    }
    return st.kind;
  }

  // ---- RCU stall ---------------------------------------------------------------------------

  private rcuCheck(): void {
    const r = this.rcu!;
    r.check = null;
    const now = this.sim.now;
    if (r.cpu === null || !this.spins.has(r.cpu)) {
      // Self-detected by whichever stalled CPU's tick notices first.
      const stalled = [...this.spins.keys()].sort((a, b) => a - b);
      r.cpu = stalled[this.rng.int(stalled.length)];
      r.softirq = Math.floor(this.history.rcuSoftirqs(r.cpu));
    }
    const cpu = r.cpu;
    const jiffies = Math.round((now - r.gpStart) / this.jiffy);
    this.sim.printk(rcuSelfDetectedLine('rcu_sched'));
    this.sim.printk(
      rcuStallInfoLine({
        cpu,
        online: true,
        inQsmaskinit: true,
        inQsmaskinitnext: true,
        // The rcu_iw irq_work queued half-way into the stall ran: the spinning CPU takes interrupts.
        irqWorkPending: false,
        irqWorkDelta: 0,
        gpsBehind: 0,
        // Every scheduling-clock interrupt since the CPU noticed the grace period.
        ticksThisGp: jiffies,
        // rcu_dynticks_snap: 2 at boot, +2 at each entry to and exit from idle.
        dynticks: 2 + 4 * Math.floor(this.history.idleEntries(cpu)),
        // In the tick interrupt of a non-idle task context.
        dynticksNesting: 1,
        dynticksNmiNesting: DYNTICK_IRQ_NONIDLE + 2n,
        // No RCU softirq runs on a CPU that cannot pass a quiescent state: snap and count agree.
        softirqSnap: r.softirq,
        softirqNow: r.softirq,
        // Force-quiescent-state passes: one per jiffies_till_next_fqs after the first.
        fqs: Math.max(0, Math.floor((jiffies - this.fqsJiffies) / this.fqsJiffies)),
        fastNoHz: '',
      }),
    );
    this.lockups.push({ t: now / SEC, cpu, kind: 'rcu_stall', waitingOn: this.waitingOn(this.spins.get(cpu)!.task) });
    this.sim.trace.emit(now, 'lockup.rcu', { cpu, ticks: jiffies });
    this.touch(cpu);
    const next = now + (3 * this.rcuTimeoutJiffies + 3) * this.jiffy;
    r.check = this.sim.at(next, Priority.DETECTOR, () => this.rcuCheck(), 'rcu.stall');
  }

  // ---- hung task ---------------------------------------------------------------------------

  block(task: Task, cpu: number): void {
    if (this.blocked.has(task)) return;
    this.blocked.set(task, { task, cpu, since: this.sim.now, lastSwitchCheck: null, reported: false });
    this.scheduleHung();
  }

  unblock(task: Task): void {
    this.blocked.delete(task);
  }

  private scheduleHung(): void {
    if (this.hungScheduled || this.hungWarningsLeft <= 0) return;
    this.hungScheduled = true;
    const now = this.sim.now;
    const k = Math.floor((now - this.hungPhase) / this.hungTimeout) + 1;
    this.sim.at(this.hungPhase + k * this.hungTimeout, Priority.DETECTOR, () => this.hungCheck(), 'khungtaskd');
  }

  private hungCheck(): void {
    this.hungScheduled = false;
    const now = this.sim.now;
    // check_hung_uninterruptible_tasks walks the task list in creation (pid) order.
    for (const b of [...this.blocked.values()].sort((x, y) => x.task.ref.pid - y.task.ref.pid)) {
      if (b.lastSwitchCheck === null) {
        // Its switch count changed since the last check (it ran, then blocked): remember now.
        b.lastSwitchCheck = now;
        continue;
      }
      if (b.reported || now - b.lastSwitchCheck < this.hungTimeout || this.hungWarningsLeft <= 0) continue;
      b.reported = true;
      this.hungWarningsLeft--;
      const { comm, pid } = b.task.ref;
      this.sim.printk(hungTaskLine(comm, pid, Math.floor((now - b.lastSwitchCheck) / SEC)));
      this.sim.printk(hungTaskTaintLine(this.tainted, this.release, this.version));
      this.sim.printk(hungTaskEchoLine());
      this.lockups.push({ t: now / SEC, cpu: b.cpu, kind: 'hung_task', waitingOn: this.waitingOn(b.task), task: b.task.label, ...this.trace(b.task) });
      this.sim.trace.emit(now, 'lockup.hung', { task: b.task.label });
    }
    if ([...this.blocked.values()].some((b) => !b.reported)) this.scheduleHung();
  }
}
