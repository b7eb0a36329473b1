/**
 * The host kernel's waiting state: tasks stuck in call paths, the locks they hold, each CPU's
 * call_single_queue and wake_list when the IPI that should have drained it was lost
 * (docs/models/ipi.md "Tasks and locks").
 *
 * A call path is what a task does in the kernel as a list of steps — take a lock, then the next,
 * then smp_call_function_many to an mm's CPUs — named after the kernel functions. A path that
 * can take every lock and whose broadcast reaches CPUs that drain their queues finishes in no
 * time; otherwise its task stops at the step it cannot pass, holding what it took so far:
 * spinning on a spinlock or in csd_lock_wait (it occupies its CPU with preemption off), or
 * blocked in D state on a reader/writer semaphore. When the holder releases or the target CPU
 * drains its queue, the path resumes from where it stopped.
 *
 * Every change runs the invariant monitor (`check`); a violation throws, which fails the run
 * with its cause.
 */
import type { CpuStates } from './cpus';
import type { SpinHandover } from './spin-handover';
import { describeWait, RwSemaphore, Spinlock, type Lock, type RwMode, type Task, type TaskState, type WaitOn } from './tasks';

/**
 * Where a step happens on the kernel stack: `fn` is the function that takes the lock or calls
 * smp_call_function_many; `via` the functions between the path's `entry` and `fn`, outermost
 * first (power9/call-trace.ts prints them as the kernel's `Call Trace:`). A frame in a module
 * names it as %pS does (`kvmppc_vcpu_run_hv [kvm_hv]`).
 */
interface StepFrames {
  fn: string;
  via?: readonly string[];
}

export type PathStep =
  /**
   * Take `lock` (spin_lock / down_read / down_write, or `call`, e.g. down_write_killable) in kernel
   * function `fn`; with `trylock` (down_read_trylock and the like) a lock that is not free ends the
   * path there instead of waiting for it (the caller gives up and moves on, holding nothing it took).
   */
  | ({ op: 'lock'; lock: Lock; mode: 'spin' | RwMode; call?: string; trylock?: boolean } & StepFrames)
  /** smp_call_function_many(mask, func, info, wait=1) from `fn`: `targets` is the mask at that moment. */
  | ({ op: 'broadcast'; targets: () => readonly number[] } & StepFrames);

export interface CallPath {
  /** What the task is doing, e.g. `ksmd: try_to_merge_one_page → split_huge_page`. */
  name: string;
  steps: readonly PathStep[];
  /** The task's frames above the path, outermost first (`system_call`, …, `kvm_vcpu_ioctl [kvm]`). */
  entry?: readonly string[];
}

/** One execution of a path by a task, kept while the task is stuck in it. */
export interface PathRun {
  task: Task;
  path: CallPath;
  cpu: number;
  /** Index of the step to do next (the one it is stuck at, while stuck). */
  next: number;
  acquired: Lock[];
  /** CPUs whose call_single_queue still holds this run's csd. */
  pending: Set<number>;
  /** Called when the path finishes (locks released). */
  onDone?: () => void;
}

/** Receives every change of a task's waiting state (detectors, trace, time-travel recorder). */
export interface KernelListener {
  stuck?(task: Task, run: PathRun): void;
  /** `was`: the state it left (spinning or blocked). */
  resumed?(task: Task, run: PathRun, was: TaskState): void;
  /** A lost IPI left `cpu`'s queue (`csd`) or wake_list non-empty, or a later IPI drained it. */
  queue?(cpu: number, which: 'csd' | 'wake_list', lost: boolean): void;
}

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

interface CsdQueue {
  /** message[CALL_FUNCTION] is set and no doorbell is coming: the queue is not drained. */
  lost: boolean;
  /** Runs whose csd sits in this queue. */
  waiting: PathRun[];
}

export class HostKernel {
  private readonly locks = new Map<string, Lock>();
  private readonly runs = new Map<Task, PathRun>();
  private readonly csd: CsdQueue[];
  /** Per CPU: tasks on its wake_list after a lost RESCHEDULE (null: the list drains normally). */
  private readonly wakeList: (Task[] | null)[];
  private readonly listeners: KernelListener[] = [];
  /** Resumptions to do, processed iteratively so a release chain does not recurse. */
  private readonly work: PathRun[] = [];
  private working = false;

  constructor(
    private readonly cpus: CpuStates,
    private readonly now: () => number,
    /** Which spinner takes a released spinlock (power9/spin-handover.ts). */
    private readonly handover: SpinHandover,
  ) {
    this.csd = Array.from({ length: cpus.count }, () => ({ lost: false, waiting: [] }));
    this.wakeList = Array.from({ length: cpus.count }, () => null);
  }

  listen(l: KernelListener): void {
    this.listeners.push(l);
  }

  spinlock(name: string): Spinlock {
    return this.lock(name, () => new Spinlock(name)) as Spinlock;
  }

  rwsem(name: string): RwSemaphore {
    return this.lock(name, () => new RwSemaphore(name)) as RwSemaphore;
  }

  private lock(name: string, make: () => Lock): Lock {
    let l = this.locks.get(name);
    if (!l) this.locks.set(name, (l = make()));
    return l;
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Is any lock held or any queue lost, i.e. can a path get stuck at all? */
  get quiet(): boolean {
    return this.runs.size === 0 && this.lostQueues().length === 0 && this.wakeList.every((w) => w === null);
  }

  /** Would this path stop somewhere if `task` ran it now? (read-only) */
  wouldStick(path: CallPath, cpu: number): boolean {
    for (const s of path.steps) {
      if (s.op === 'lock') {
        if (!this.available(s.lock, s.mode)) return !s.trylock;
      } else if (s.targets().some((t) => t !== cpu && this.csd[t].lost)) return true;
    }
    return false;
  }

  lostQueues(): number[] {
    const out: number[] = [];
    this.csd.forEach((q, cpu) => q.lost && out.push(cpu));
    return out;
  }

  isLost(cpu: number): boolean {
    return this.csd[cpu].lost;
  }

  runOf(task: Task): PathRun | undefined {
    return this.runs.get(task);
  }

  stuckTasks(): Task[] {
    return [...this.runs.keys()];
  }

  // ---- running paths ---------------------------------------------------------------------------

  /**
   * `task` runs `path` on `cpu` now. `beforeBroadcast` runs just before the broadcast step (the
   * IPI model marks the CPU whose CALL_FUNCTION this very broadcast loses). Returns whether the
   * path finished.
   */
  run(task: Task, path: CallPath, cpu: number, beforeBroadcast?: () => void, onDone?: () => void): boolean {
    if (task.state.kind !== 'active') throw new InvariantViolation(`${task.label} cannot start ${path.name}: it is ${task.state.kind}`);
    const r: PathRun = { task, path, cpu, next: 0, acquired: [], pending: new Set(), onDone };
    const done = this.advance(r, beforeBroadcast);
    this.drain();
    this.check();
    return done;
  }

  /** A CALL_FUNCTION to `cpu` was lost: its queue is not drained until a later IPI gets through. */
  loseCallFunction(cpu: number): void {
    if (this.csd[cpu].lost) return;
    this.csd[cpu].lost = true;
    for (const l of this.listeners) l.queue?.(cpu, 'csd', true);
  }

  /** ttwu_queue_remote's RESCHEDULE to `cpu` was lost: `woken` waits on its wake_list. */
  loseWakeup(cpu: number, woken: Task | null): void {
    const list = this.wakeList[cpu] ?? [];
    if (this.wakeList[cpu] === null) {
      this.wakeList[cpu] = list;
      for (const l of this.listeners) l.queue?.(cpu, 'wake_list', true);
    }
    if (woken && woken.state.kind === 'active') {
      woken.state = { kind: 'waking', cpu, since: this.now() };
      list.push(woken);
    }
    this.check();
  }

  /** A later wakeup to `cpu` finds its wake_list non-empty: llist_add returns false, no IPI is sent. */
  queueWakeup(cpu: number, woken: Task): boolean {
    const list = this.wakeList[cpu];
    if (!list) return false;
    if (woken.state.kind === 'active') {
      woken.state = { kind: 'waking', cpu, since: this.now() };
      list.push(woken);
    }
    this.check();
    return true;
  }

  isWakeListStuck(cpu: number): boolean {
    return this.wakeList[cpu] !== null;
  }

  /**
   * smp_ipi_demux_relaxed() ran on `cpu` (a later IPI got through, or a doorbell reached it in the
   * host): generic_smp_call_function_interrupt drains the call_single_queue and scheduler_ipi the
   * wake_list, whatever message bits were left set.
   */
  demux(cpu: number): void {
    const q = this.csd[cpu];
    if (q.lost) {
      q.lost = false;
      for (const l of this.listeners) l.queue?.(cpu, 'csd', false);
      const waiting = q.waiting.splice(0);
      for (const r of waiting) {
        r.pending.delete(cpu);
        if (r.pending.size === 0) this.work.push(r);
        else this.retarget(r);
      }
    }
    const woken = this.wakeList[cpu];
    if (woken) {
      this.wakeList[cpu] = null;
      for (const l of this.listeners) l.queue?.(cpu, 'wake_list', false);
      for (const t of woken) t.state = { kind: 'active' };
    }
    this.drain();
    this.check();
  }

  /** Steps of `r` from r.next; returns true when the path finished. */
  private advance(r: PathRun, beforeBroadcast?: () => void): boolean {
    const { task } = r;
    while (r.next < r.path.steps.length) {
      const s = r.path.steps[r.next];
      if (s.op === 'lock') {
        if (!this.acquire(task, s.lock, s.mode)) {
          if (s.trylock) break;
          const on: WaitOn = s.lock.type === 'spinlock' ? { kind: 'spinlock', lock: s.lock } : { kind: 'rwsem', lock: s.lock, mode: s.mode as RwMode };
          this.enqueue(task, s.lock, s.mode);
          this.stick(r, on);
          return false;
        }
        r.acquired.push(s.lock);
        r.next++;
        continue;
      }
      // smp_call_function_many: a csd on each target's queue; CALL_FUNCTION only where it was empty.
      beforeBroadcast?.();
      for (const t of s.targets()) {
        if (t === r.cpu || !this.csd[t].lost) continue;
        this.csd[t].waiting.push(r);
        r.pending.add(t);
      }
      r.next++;
      if (r.pending.size > 0) {
        this.stick(r, { kind: 'csd', target: Math.min(...r.pending) });
        return false;
      }
    }
    this.finish(r);
    return true;
  }

  private available(lock: Lock, mode: 'spin' | RwMode): boolean {
    return lock.type === 'spinlock' ? lock.holder === null && lock.spinners.length === 0 : lock.available(mode as RwMode);
  }

  private acquire(task: Task, lock: Lock, mode: 'spin' | RwMode): boolean {
    if (!this.available(lock, mode)) return false;
    if (lock.type === 'spinlock') lock.holder = task;
    else if (mode === 'write') lock.writer = task;
    else lock.readers.add(task);
    task.held.add(lock);
    return true;
  }

  private enqueue(task: Task, lock: Lock, mode: 'spin' | RwMode): void {
    if (lock.type === 'spinlock') lock.spinners.push(task);
    else lock.queue.push({ task, mode: mode as RwMode });
  }

  private stick(r: PathRun, on: WaitOn): void {
    const { task } = r;
    const since = this.now();
    const spins = on.kind !== 'rwsem';
    task.state = spins ? { kind: 'spinning', cpu: r.cpu, on, since } : { kind: 'blocked', on, since };
    this.runs.set(task, r);
    if (spins) this.cpus.spin(r.cpu, describeWait(on), since);
    for (const l of this.listeners) l.stuck?.(task, r);
  }

  /** One of several CPUs a csd_lock_wait waited for drained: it now waits for the next one. */
  private retarget(r: PathRun): void {
    const st = r.task.state;
    if (st.kind !== 'spinning') return;
    const on: WaitOn = { kind: 'csd', target: Math.min(...r.pending) };
    r.task.state = { ...st, on };
    this.cpus.spin(r.cpu, describeWait(on), st.since);
  }

  /** A stuck run can go on: its lock was handed over or its csds ran. */
  private resume(r: PathRun): void {
    const { task } = r;
    const was = task.state;
    task.state = { kind: 'active' };
    this.runs.delete(task);
    if (was.kind === 'spinning') this.cpus.release(was.cpu);
    for (const l of this.listeners) l.resumed?.(task, r, was);
    this.advance(r);
  }

  private finish(r: PathRun): void {
    for (const lock of r.acquired.reverse()) this.release(r.task, lock, r.cpu);
    r.acquired = [];
    r.onDone?.();
  }

  /** `task` on `cpu` lets go of `lock`: arch_spin_unlock, up_read / up_write. */
  private release(task: Task, lock: Lock, cpu: number): void {
    task.held.delete(lock);
    if (lock.type === 'spinlock') {
      lock.holder = null;
      if (lock.spinners.length === 0) return;
      // No queue: the spinner whose stwcx. lands first after the release takes it.
      const cpus = lock.spinners.map((t) => {
        if (t.state.kind !== 'spinning') throw new InvariantViolation(`${lock.name}: ${t.label} queued but ${t.state.kind}`);
        return t.state.cpu;
      });
      const [next] = lock.spinners.splice(this.handover.next(cpu, cpus), 1);
      this.grant(next, lock, 'spin');
      return;
    }
    if (lock.writer === task) lock.writer = null;
    else lock.readers.delete(task);
    if (lock.writer || lock.readers.size > 0) {
      return;
    }
    // __rwsem_mark_wake: a writer at the head alone, else the readers at the head.
    const head = lock.queue[0];
    if (!head) return;
    if (head.mode === 'write') {
      lock.queue.shift();
      this.grant(head.task, lock, 'write');
      return;
    }
    while (lock.queue.length > 0 && lock.queue[0].mode === 'read') this.grant(lock.queue.shift()!.task, lock, 'read');
  }

  /** Gives `lock` to a waiter directly (it is no longer queued) and schedules its run to continue. */
  private grant(task: Task, lock: Lock, mode: 'spin' | RwMode): void {
    if (lock.type === 'spinlock') lock.holder = task;
    else if (mode === 'write') lock.writer = task;
    else lock.readers.add(task);
    task.held.add(lock);
    const r = this.runs.get(task)!;
    r.acquired.push(lock);
    r.next++;
    this.work.push(r);
  }

  private drain(): void {
    if (this.working) return;
    this.working = true;
    try {
      while (this.work.length > 0) this.resume(this.work.shift()!);
    } finally {
      this.working = false;
    }
  }

  // ---- the invariant monitor --------------------------------------------------------------------

  /** Throws InvariantViolation naming the first inconsistency. */
  check(): void {
    const fail = (why: string): never => {
      throw new InvariantViolation(why);
    };
    const spinningOn = new Map<number, Task>();
    for (const [task, r] of this.runs) {
      const st = task.state;
      if (st.kind !== 'spinning' && st.kind !== 'blocked') return fail(`${task.label} is in ${r.path.name} but ${st.kind}`);
      if (st.kind === 'spinning') {
        const other = spinningOn.get(st.cpu);
        if (other) fail(`${task.label} and ${other.label} both spin on CPU ${st.cpu}`);
        spinningOn.set(st.cpu, task);
        const c = this.cpus.get(st.cpu);
        if (c.kind !== 'spinning') fail(`${task.label} spins on CPU ${st.cpu}, which is ${c.kind}`);
      }
      // A task holds exactly the locks its path took.
      const took = new Set(r.acquired);
      if (took.size !== task.held.size || [...task.held].some((l) => !took.has(l))) fail(`${task.label} holds ${[...task.held].map((l) => l.name).join(',')} but its path took ${r.acquired.map((l) => l.name).join(',')}`);
      if (st.on.kind === 'csd') {
        // The task in csd_lock_wait is the caller of the broadcast whose csd is still queued there.
        if (!r.pending.has(st.on.target) || !this.csd[st.on.target].waiting.includes(r)) fail(`${task.label} waits in csd_lock_wait(cpu ${st.on.target}) without a csd queued there`);
        if (r.path.steps[r.next - 1]?.op !== 'broadcast') fail(`${task.label} waits in csd_lock_wait outside its smp_call_function_many step`);
      }
      if (st.kind === 'blocked' && [...task.held].some((l) => l.type === 'spinlock')) fail(`${task.label} sleeps on ${describeWait(st.on)} holding a spinlock`);
      if (st.on.kind === 'spinlock' && !st.on.lock.spinners.includes(task)) fail(`${task.label} spins on ${st.on.lock.name} but is not queued on it`);
      if (st.on.kind === 'rwsem') {
        const lock = st.on.lock;
        if (!lock.queue.some((q) => q.task === task)) fail(`${task.label} is blocked on ${lock.name} but not queued on it`);
      }
    }
    for (const lock of this.locks.values()) {
      if (lock.type === 'spinlock') {
        if (lock.holder && !lock.holder.held.has(lock)) fail(`${lock.name}: holder ${lock.holder.label} does not know it holds it`);
        if (lock.holder && lock.spinners.includes(lock.holder)) fail(`${lock.name}: ${lock.holder.label} spins on a lock it holds`);
        if (!lock.holder && lock.spinners.length > 0) fail(`${lock.name}: free with spinners waiting`);
        for (const s of lock.spinners) if (s.state.kind !== 'spinning') fail(`${lock.name}: ${s.label} queued but ${s.state.kind}`);
      } else {
        if (lock.writer && lock.readers.size > 0) fail(`${lock.name}: a writer (${lock.writer.label}) and ${lock.readers.size} reader(s) hold it at once`);
        for (const h of [...lock.readers, ...(lock.writer ? [lock.writer] : [])]) if (!h.held.has(lock)) fail(`${lock.name}: holder ${h.label} does not know it holds it`);
        for (const q of lock.queue) {
          if (q.task.state.kind !== 'blocked') fail(`${lock.name}: ${q.task.label} queued but ${q.task.state.kind}`);
          if (q.task.held.has(lock)) fail(`${lock.name}: ${q.task.label} waits for a lock it holds`);
        }
        if (lock.queue.length > 0 && !lock.writer && lock.readers.size === 0) fail(`${lock.name}: free with ${lock.queue.length} waiter(s) queued`);
      }
    }
    this.csd.forEach((q, cpu) => {
      if (!q.lost && q.waiting.length > 0) fail(`CPU ${cpu}: csds queued behind a drained call_single_queue`);
    });
  }
}
