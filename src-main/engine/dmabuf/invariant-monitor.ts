import type { DmaFence } from './fence';

/** One device job of the stress, as the monitor sees it. */
export interface MonitoredJob {
  id: number;
  buffers: readonly number[];
  writes: readonly boolean[];
  /** Fences the job depends on (what its worker waited for). */
  deps: readonly DmaFence[];
  /** Jobs that must finish before this one starts, from the buffers' commit order (filled by commit). */
  mustFollow: MonitoredJob[];
  started: boolean;
  completed: boolean;
}

interface BufferState {
  lastWriter: MonitoredJob | null;
  readersSinceWrite: MonitoredJob[];
  activeReaders: number;
  activeWriters: number;
}

/**
 * Checks the dma-buf invariants independently of the fence rules that are meant to enforce
 * them: a job starts only after every fence it depends on has signalled and after every
 * conflicting job committed before it on the same buffer has finished (a writer after all
 * earlier readers and writers, a reader after the earlier writer), and while a writer runs
 * on a buffer no other job runs on it. Each job breaking any of these counts once.
 */
export class InvariantMonitor {
  violations = 0;
  readonly details: string[] = [];
  private readonly bufs: BufferState[];

  constructor(buffers: number) {
    this.bufs = Array.from({ length: buffers }, () => ({ lastWriter: null, readersSinceWrite: [], activeReaders: 0, activeWriters: 0 }));
  }

  /** The job attached its fence to its buffers: its place in each buffer's order is fixed. */
  commit(job: MonitoredJob): void {
    job.buffers.forEach((b, i) => {
      const s = this.bufs[b];
      if (s.lastWriter) job.mustFollow.push(s.lastWriter);
      if (job.writes[i]) {
        job.mustFollow.push(...s.readersSinceWrite);
        s.lastWriter = job;
        s.readersSinceWrite = [];
      } else {
        if (s.readersSinceWrite.length >= 32) s.readersSinceWrite = s.readersSinceWrite.filter((r) => !r.completed);
        s.readersSinceWrite.push(job);
      }
    });
  }

  start(job: MonitoredJob): void {
    const problems: string[] = [];
    for (const f of job.deps) if (!f.signaled) problems.push(`fence ${f.name} not signalled`);
    for (const j of job.mustFollow) if (!j.completed) problems.push(`job ${j.id} not finished`);
    job.buffers.forEach((b, i) => {
      const s = this.bufs[b];
      if (job.writes[i] ? s.activeWriters > 0 || s.activeReaders > 0 : s.activeWriters > 0) problems.push(`buffer ${b} in use by a conflicting job`);
      if (job.writes[i]) s.activeWriters++;
      else s.activeReaders++;
    });
    job.started = true;
    if (problems.length) {
      this.violations++;
      if (this.details.length < 20) this.details.push(`job ${job.id}: ${problems.join('; ')}`);
    }
  }

  end(job: MonitoredJob): void {
    job.buffers.forEach((b, i) => {
      const s = this.bufs[b];
      if (job.writes[i]) s.activeWriters--;
      else s.activeReaders--;
    });
    job.completed = true;
  }
}
