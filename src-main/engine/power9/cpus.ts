/**
 * Per-CPU state of the host (docs/architecture.md §3.1): idle, running a host task, in a guest (which
 * vCPU), or spinning (on what). The workload model places tasks; another component (the IPI
 * model's lockup cascade) may make a CPU spin — a CPU stuck in csd_lock_wait or on a held
 * spinlock — and while it spins it runs nothing else until released. Listeners hear every
 * change so the workload model can re-place work and re-rate traffic.
 */
export interface TaskRef {
  /** As /proc/PID/comm, e.g. `CPU 52/KVM`, `stress`, `ksmd`. */
  comm: string;
  pid: number;
}

export type CpuState =
  | { kind: 'idle' }
  | { kind: 'host'; task: TaskRef }
  | { kind: 'guest'; guest: string; vcpu: number; task: TaskRef }
  | { kind: 'spinning'; on: string; task: TaskRef | null; since: number };

export type CpuStateKind = CpuState['kind'];

export type CpuListener = (cpu: number, before: CpuState, after: CpuState) => void;

const IDLE: CpuState = { kind: 'idle' };

export class CpuStates {
  private readonly states: CpuState[];
  /** What the CPU ran before it started spinning, restored on release. */
  private readonly beforeSpin: (CpuState | null)[];
  private readonly listeners: CpuListener[] = [];

  constructor(readonly count: number) {
    this.states = Array.from({ length: count }, () => IDLE);
    this.beforeSpin = Array.from({ length: count }, () => null);
  }

  get(cpu: number): CpuState {
    this.check(cpu);
    return this.states[cpu];
  }

  isSpinning(cpu: number): boolean {
    return this.get(cpu).kind === 'spinning';
  }

  /** The task the CPU is running (or spinning in), for log lines like `[CPU 52/KVM:19709]`. */
  task(cpu: number): TaskRef | null {
    const s = this.get(cpu);
    return s.kind === 'idle' ? null : s.task;
  }

  /** Placement by the workload model; ignored (remembered for later) while the CPU spins. */
  set(cpu: number, state: CpuState): void {
    this.check(cpu);
    if (this.states[cpu].kind === 'spinning') {
      this.beforeSpin[cpu] = state;
      return;
    }
    this.change(cpu, state);
  }

  /** The CPU busy-waits on `on` (e.g. `csd_lock_wait(cpu 42)`, `spinlock mm(A).page_table_lock`) from `now`. */
  spin(cpu: number, on: string, now: number): void {
    const cur = this.get(cpu);
    if (cur.kind === 'spinning') {
      this.change(cpu, { ...cur, on });
      return;
    }
    this.beforeSpin[cpu] = cur;
    this.change(cpu, { kind: 'spinning', on, task: cur.kind === 'idle' ? null : cur.task, since: now });
  }

  /** Ends a spin: the CPU goes back to what it ran (or what it was placed on meanwhile). */
  release(cpu: number): void {
    if (this.get(cpu).kind !== 'spinning') return;
    const back = this.beforeSpin[cpu] ?? IDLE;
    this.beforeSpin[cpu] = null;
    this.change(cpu, back);
  }

  onChange(listener: CpuListener): void {
    this.listeners.push(listener);
  }

  /** Counts by state kind (for progress updates). */
  counts(): Record<CpuStateKind, number> {
    const c = { idle: 0, host: 0, guest: 0, spinning: 0 };
    for (const s of this.states) c[s.kind]++;
    return c;
  }

  snapshot(): CpuState[] {
    return [...this.states];
  }

  private change(cpu: number, after: CpuState): void {
    const before = this.states[cpu];
    this.states[cpu] = after;
    for (const l of this.listeners) l(cpu, before, after);
  }

  private check(cpu: number): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.count) throw new Error(`CPU ${cpu} does not exist (host has CPUs 0-${this.count - 1})`);
  }
}
