/**
 * Per-CPU state changes of a run, for replaying it on the drawing (issue 16): every time the
 * workload re-places its tasks (the `placement` trace record — which also follows, at the same
 * instant, every spin start and release, since the machine re-places on each change of the
 * host kernel's stuck tasks), each CPU whose state, busy fraction (in 1/255) or task changed
 * gives one change. A pure observer: it reads the model and never schedules or draws anything,
 * so recording it does not change the run.
 *
 * Bounded: after `max` changes it stops and says when (`truncatedAtNs`).
 */
import type { Simulation } from '../core';
import type { CpuStates, CpuState } from '../power9/cpus';

/** The state kinds in the order the columns index them (src-common TIMELINE_STATES). */
export const STATE_CODES: Record<CpuState['kind'], number> = { idle: 0, host: 1, guest: 2, spinning: 3 };

/** Default bound: about 6 MB encoded (docs/time-travel.md gives the bytes per simulated hour). */
export const TIMELINE_MAX_CHANGES = 1_000_000;

/** Changes in columns; `tasks` are the task names first used since the previous `take` (appended to the run's table). */
export interface TimelineBatch {
  tNs: number[];
  cpu: number[];
  state: number[];
  busy: number[];
  task: number[];
  tasks: string[];
  truncatedAtNs: number | null;
}

export class CpuTimeline {
  private readonly state: Int16Array;
  private readonly busy: Int16Array;
  private readonly task: Int32Array;
  private readonly taskIndex = new Map<string, number>();
  private newTasks: string[] = [];
  private batch: Omit<TimelineBatch, 'tasks' | 'truncatedAtNs'> = emptyColumns();
  count = 0;
  truncatedAtNs: number | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly cpus: CpuStates,
    private readonly busyOf: () => readonly number[],
    private readonly max = TIMELINE_MAX_CHANGES,
  ) {
    this.state = new Int16Array(cpus.count).fill(-1);
    this.busy = new Int16Array(cpus.count).fill(-1);
    this.task = new Int32Array(cpus.count).fill(-2);
    sim.trace.onRecord((r) => {
      if (r.kind === 'placement') this.sweep();
    });
    this.sweep();
  }

  /** Records every CPU that differs from what was last recorded for it. */
  sweep(): void {
    if (this.truncatedAtNs !== null) return;
    const busy = this.busyOf();
    const now = this.sim.now;
    for (let c = 0; c < this.cpus.count; c++) {
      const st = this.cpus.get(c);
      const code = STATE_CODES[st.kind];
      const b = Math.round(Math.min(1, Math.max(0, busy[c] ?? 0)) * 255);
      const ref = st.kind === 'idle' ? null : st.task;
      const task = ref ? this.taskId(`${ref.comm}:${ref.pid}`) : -1;
      if (code === this.state[c] && b === this.busy[c] && task === this.task[c]) continue;
      if (this.count >= this.max) {
        this.truncatedAtNs = now;
        return;
      }
      this.state[c] = code;
      this.busy[c] = b;
      this.task[c] = task;
      this.batch.tNs.push(now);
      this.batch.cpu.push(c);
      this.batch.state.push(code);
      this.batch.busy.push(b);
      this.batch.task.push(task);
      this.count++;
    }
  }

  /** The changes since the previous take. */
  take(): TimelineBatch {
    const out = { ...this.batch, tasks: this.newTasks, truncatedAtNs: this.truncatedAtNs };
    this.batch = emptyColumns();
    this.newTasks = [];
    return out;
  }

  private taskId(name: string): number {
    let i = this.taskIndex.get(name);
    if (i === undefined) {
      i = this.taskIndex.size;
      this.taskIndex.set(name, i);
      this.newTasks.push(name);
    }
    return i;
  }
}

function emptyColumns(): Omit<TimelineBatch, 'tasks' | 'truncatedAtNs'> {
  return { tNs: [], cpu: [], state: [], busy: [], task: [] };
}
