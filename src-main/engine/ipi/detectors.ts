/**
 * The kernel's lockup detectors, watching CPUs that stopped scheduling (spinning with
 * preemption off: csd_lock_wait, a spinlock) and tasks blocked on sleeping locks:
 *  - soft-lockup watchdog: samples every 2×watchdog_thresh/5; reports a CPU that has not
 *    touched its watchdog for more than 2×watchdog_thresh, once until it is touched again;
 *  - RCU CPU stall: a grace period that cannot end (a CPU never reaches a quiescent state) is
 *    reported rcu_cpu_stall_timeout after it started, then every 3×timeout + 3 jiffies, as a
 *    self-detected stall on one stalled CPU, whose report touches that CPU's watchdog (so its
 *    soft lockup repeats, as in the seed log for CPU#124);
 *  - hung-task detector: khungtaskd wakes every hung_task_timeout_secs and reports tasks
 *    blocked for longer, at most hung_task_warnings times in total.
 * Log lines are the seed's.
 */
import { Priority, type Rng, type Simulation } from '../core';
import type { Lockup } from './fabric';
import type { CpuStates, TaskRef } from '../power9/cpus';

interface Spin {
  waitingOn: string;
  since: number;
  touchedAt: number;
  warned: boolean;
  /** Invalidates scheduled watchdog checks when the spin ends or is touched. */
  gen: number;
}

interface Blocked {
  task: TaskRef;
  cpu: number;
  waitingOn: string;
  since: number;
  reported: boolean;
}

const SEC = 1e9;

export class LockupDetectors {
  readonly lockups: Lockup[] = [];
  private readonly spins = new Map<number, Spin>();
  private readonly blocked = new Map<number, Blocked>();
  private gen = 0;
  private readonly thresh: number;
  private readonly period: number;
  /** Each CPU's watchdog hrtimer runs with its own phase. */
  private readonly watchdogPhase: number[];
  private readonly rcuTimeout: number;
  private readonly hz: number;
  private readonly hungTimeout: number;
  private hungWarningsLeft: number;
  private readonly hungPhase: number;
  private softLockupTaint = false;
  private rcu: { gpStart: number; cpu: number | null; gen: number } | null = null;
  private hungScheduled = false;
  private readonly idle = new Map<number, string>();

  constructor(
    private readonly sim: Simulation,
    private readonly cpus: CpuStates,
    private readonly rng: Rng,
  ) {
    const p = sim.params;
    this.thresh = Math.round(2 * p.get('watchdog.thresh_s') * SEC);
    // Integer ns throughout, so a sample time never rounds back onto the current instant.
    this.period = Math.round((2 * p.get('watchdog.thresh_s') * SEC) / 5);
    this.watchdogPhase = Array.from({ length: cpus.count }, () => rng.int(this.period));
    this.rcuTimeout = Math.round(p.get('rcu.stall_timeout_s') * SEC);
    this.hz = p.get('kernel.hz');
    this.hungTimeout = Math.round(p.get('hung_task.timeout_s') * SEC);
    this.hungWarningsLeft = p.get('hung_task.warnings');
    this.hungPhase = rng.int(this.hungTimeout);
  }

  /** `cpu` stops scheduling from now on, busy-waiting on `waitingOn`. */
  spinStart(cpu: number, waitingOn: string): void {
    const now = this.sim.now;
    const s: Spin = { waitingOn, since: now, touchedAt: now, warned: false, gen: ++this.gen };
    this.spins.set(cpu, s);
    this.scheduleWatchdog(cpu, s);
    if (!this.rcu) {
      this.rcu = { gpStart: now, cpu: null, gen: ++this.gen };
      const gen = this.rcu.gen;
      this.sim.at(now + this.rcuTimeout, Priority.DETECTOR, () => this.rcuCheck(gen), 'rcu.stall');
    }
  }

  spinEnd(cpu: number): void {
    this.spins.delete(cpu);
    if (this.rcu?.cpu === cpu) this.rcu.cpu = null;
    // The grace period ends once no CPU holds it up any more.
    if (this.spins.size === 0) this.rcu = null;
  }

  block(task: TaskRef, cpu: number, waitingOn: string): void {
    if (this.blocked.has(task.pid)) return;
    this.blocked.set(task.pid, { task, cpu, waitingOn, since: this.sim.now, reported: false });
    this.scheduleHung();
  }

  unblock(pid: number): void {
    this.blocked.delete(pid);
  }

  isBlocked(pid: number): boolean {
    return this.blocked.has(pid);
  }

  // ---- soft lockup ------------------------------------------------------------------------

  private scheduleWatchdog(cpu: number, s: Spin): void {
    // The first sample of this CPU's watchdog after the threshold is crossed.
    const phase = this.watchdogPhase[cpu];
    const due = Math.max(this.sim.now, s.touchedAt + this.thresh);
    const k = Math.floor((due - phase) / this.period) + 1;
    const at = phase + k * this.period;
    const gen = s.gen;
    this.sim.at(at, Priority.DETECTOR, () => this.watchdogCheck(cpu, gen), 'watchdog.softlockup');
  }

  private watchdogCheck(cpu: number, gen: number): void {
    const s = this.spins.get(cpu);
    if (!s || s.gen !== gen || s.warned) return;
    const now = this.sim.now;
    // The watchdog keeps whole-second timestamps and reports once it is past the threshold.
    const stuck = Math.floor(now / SEC) - Math.floor(s.touchedAt / SEC);
    if (stuck * SEC <= this.thresh) {
      this.scheduleWatchdog(cpu, s);
      return;
    }
    const task = this.cpus.task(cpu);
    const who = task ? `${task.comm}:${task.pid}` : 'swapper:0';
    this.sim.printk(`watchdog: BUG: soft lockup - CPU#${cpu} stuck for ${stuck}s! [${who}]`);
    this.lockups.push({ t: now / SEC, cpu, kind: 'soft_lockup', waitingOn: s.waitingOn, ...(task ? { task: `${task.comm}:${task.pid}` } : {}) });
    this.sim.trace.emit(now, 'lockup.soft', { cpu, stuck, on: s.waitingOn });
    s.warned = true;
    this.softLockupTaint = true;
  }

  /** touch_softlockup_watchdog on `cpu`: its soft-lockup clock restarts. */
  private touch(cpu: number): void {
    const s = this.spins.get(cpu);
    if (!s) return;
    s.touchedAt = this.sim.now;
    s.warned = false;
    s.gen = ++this.gen;
    this.scheduleWatchdog(cpu, s);
  }

  // ---- RCU stall ---------------------------------------------------------------------------

  private rcuCheck(gen: number): void {
    const r = this.rcu;
    if (!r || r.gen !== gen || this.spins.size === 0) return;
    const now = this.sim.now;
    if (r.cpu === null || !this.spins.has(r.cpu)) {
      // The stall is self-detected by whichever stalled CPU's tick notices it first.
      const stalled = [...this.spins.keys()].sort((a, b) => a - b);
      r.cpu = stalled[this.rng.int(stalled.length)];
    }
    const cpu = r.cpu;
    const ticks = Math.round(((now - r.gpStart) / SEC) * this.hz);
    if (!this.idle.has(cpu)) this.idle.set(cpu, (0x100 + this.rng.int(0xf00)).toString(16));
    const softirq = 1000 + ((cpu * 7919) % 9000);
    this.sim.printk('rcu: INFO: rcu_sched self-detected stall on CPU');
    this.sim.printk(
      `rcu: ${cpu}-....: (${ticks} ticks this GP) idle=${this.idle.get(cpu)}/1/0x4000000000000002 softirq=${softirq}/${softirq} fqs=${Math.floor(ticks * 0.4)}`,
    );
    this.lockups.push({ t: now / SEC, cpu, kind: 'rcu_stall', waitingOn: this.spins.get(cpu)!.waitingOn });
    this.sim.trace.emit(now, 'lockup.rcu', { cpu, ticks });
    this.touch(cpu);
    const next = now + 3 * this.rcuTimeout + Math.round((3 * SEC) / this.hz);
    this.sim.at(next, Priority.DETECTOR, () => this.rcuCheck(gen), 'rcu.stall');
  }

  // ---- hung task ---------------------------------------------------------------------------

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
    const release = this.sim.params.get('kernel.release');
    const tainted = this.softLockupTaint ? `Tainted: G L ${release}` : `Not tainted ${release}`;
    for (const b of [...this.blocked.values()].sort((x, y) => x.task.pid - y.task.pid)) {
      if (b.reported || now - b.since < this.hungTimeout || this.hungWarningsLeft <= 0) continue;
      b.reported = true;
      this.hungWarningsLeft--;
      this.sim.printk(`INFO: task ${b.task.comm}:${b.task.pid} blocked for more than ${Math.round(this.hungTimeout / SEC)} seconds.`);
      this.sim.printk(tainted);
      this.sim.printk('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
      this.lockups.push({ t: now / SEC, cpu: b.cpu, kind: 'hung_task', waitingOn: b.waitingOn, task: `${b.task.comm}:${b.task.pid}` });
      this.sim.trace.emit(now, 'lockup.hung', { pid: b.task.pid, on: b.waitingOn });
    }
    if ([...this.blocked.values()].some((b) => !b.reported)) this.scheduleHung();
  }
}
