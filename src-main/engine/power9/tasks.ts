/**
 * Host tasks and the locks they take, as entities (docs/models/ipi.md "Tasks and locks").
 *
 * The workload model runs every task by rates wherever the placement put it; a task only gets
 * an explicit state when it stops making progress, and then it is in exactly one of:
 *  - `spinning` on a spinlock or in csd_lock_wait, with preemption off: it occupies its CPU;
 *  - `blocked` in TASK_UNINTERRUPTIBLE (D state) on a reader/writer semaphore: no CPU;
 *  - `waking`: woken by ttwu_queue_remote onto a CPU whose RESCHEDULE was lost, so it sits on that
 *    CPU's wake_list and does not run until the CPU next runs scheduler_ipi().
 * Otherwise it is `active` (running, runnable or sleeping as its duty says — the vCPU in the
 * guest or in the host as its exits say).
 *
 * Locks are tracked only while something holds them across simulated time (a task stuck with the
 * lock held); a path that takes and releases locks without getting stuck does so in no time.
 * Spinlocks have at most one holder; mmap_sem is a reader/writer semaphore whose queued writer
 * blocks later readers (Linux 5.3 rwsem: a reader takes the slow path when waiters are queued).
 */
import type { TaskRef } from './cpus';

export type TaskKind = 'vcpu' | 'qemu-worker' | 'stress' | 'ksmd' | 'khugepaged';

export class Spinlock {
  readonly type = 'spinlock';
  holder: Task | null = null;
  /** Tasks spinning on it, in no order that matters: 5.3 powerpc spinlocks are test-and-set (power9/spin-handover.ts). */
  readonly spinners: Task[] = [];
  constructor(readonly name: string) {}
}

export type RwMode = 'read' | 'write';

export class RwSemaphore {
  readonly type = 'rwsem';
  readonly readers = new Set<Task>();
  writer: Task | null = null;
  /** Blocked tasks, FIFO. */
  readonly queue: { task: Task; mode: RwMode }[] = [];
  constructor(readonly name: string) {}

  /** down_read / down_write would succeed now without queueing. */
  available(mode: RwMode): boolean {
    if (this.writer || this.queue.length > 0) return false;
    return mode === 'read' || this.readers.size === 0;
  }
}

export type Lock = Spinlock | RwSemaphore;

/** What a stuck task waits for. */
export type WaitOn =
  | { kind: 'spinlock'; lock: Spinlock }
  | { kind: 'rwsem'; lock: RwSemaphore; mode: RwMode }
  /** csd_lock_wait: the csd it queued on `target`'s call_single_queue has not run. */
  | { kind: 'csd'; target: number }
  /** On `cpu`'s wake_list: ttwu_queue_remote's RESCHEDULE to it was lost. */
  | { kind: 'wake_list'; cpu: number };

export type TaskState =
  | { kind: 'active' }
  | { kind: 'spinning'; cpu: number; on: WaitOn; since: number }
  | { kind: 'blocked'; on: WaitOn; since: number }
  | { kind: 'waking'; cpu: number; since: number };

export class Task {
  state: TaskState = { kind: 'active' };
  /** Locks this task holds across time (only while it is stuck in a call path). */
  readonly held = new Set<Lock>();
  constructor(
    readonly id: number,
    readonly ref: TaskRef,
    readonly kind: TaskKind,
    readonly guest?: string,
    readonly vcpu?: number,
  ) {}

  get label(): string {
    return `${this.ref.comm}:${this.ref.pid}`;
  }
}

/** How a wait is named in traces and lockup reports, e.g. `spinlock mm(A).page_table_lock held by worker:19558`. */
export function describeWait(on: WaitOn): string {
  switch (on.kind) {
    case 'spinlock':
      return `spinlock ${on.lock.name}${on.lock.holder ? ` held by ${on.lock.holder.label}` : ''}`;
    case 'rwsem': {
      const holders = on.lock.writer ? [on.lock.writer] : [...on.lock.readers];
      const by = holders.length ? ` held by ${holders.map((t) => t.label).join(',')}` : '';
      return `${on.mode === 'write' ? 'down_write' : 'down_read'} ${on.lock.name}${by}`;
    }
    case 'csd':
      return `csd_lock_wait(cpu ${on.target})`;
    case 'wake_list':
      return `wake_list of cpu ${on.cpu}`;
  }
}
