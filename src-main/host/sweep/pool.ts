/**
 * The local executor: sweep runs on a pool of worker threads (piscina), one run per thread at a
 * time, so a sweep keeps every core busy without a hand-made scheduler.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { LIMITS } from '../../../src-common/parse/limits';
import type { SweepJob, SweepJobOutput } from './job';
import { workerEntry } from '../worker-entry';

/** Default threads: one per core. */
export function defaultJobs(): number {
  return os.availableParallelism();
}

export const MAX_JOBS = LIMITS.sweepThreads.value;

export class SweepPool {
  private readonly pool: Piscina<SweepJob, SweepJobOutput>;
  private readonly abort = new AbortController();

  constructor(readonly threads = defaultJobs()) {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_JOBS) throw new RangeError(`jobs: expected an integer from 1 to ${MAX_JOBS}, got ${threads}`);
    this.pool = new Piscina({
      filename: workerEntry('sweep-worker', new URL('./pool-boot.mjs', import.meta.url)).href,
      minThreads: threads,
      maxThreads: threads,
      // A run holds its thread for seconds; queueing more than one per thread only adds latency to a stop.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
    // Errors that belong to no task (a task's own failure rejects its promise). Piscina reports a
    // result arriving for a task already aborted — a stop racing a run that just finished — this
    // way; that one is harmless. Without a listener any of them would be an uncaught exception.
    this.pool.on('error', (e: Error) => {
      if (e.message.startsWith('Unexpected message from Worker')) return;
      process.emitWarning(`sweep pool: ${e.message}`);
    });
  }

  /** Runs one job on a free thread (queued until one is). Rejects if `signal` aborts or the pool closes first. */
  run(job: SweepJob, signal?: AbortSignal): Promise<SweepJobOutput> {
    return this.pool.run(job, { signal: signal ? AbortSignal.any([signal, this.abort.signal]) : this.abort.signal });
  }

  /** Abandons queued and running jobs and ends the threads. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.pool.destroy();
  }
}
