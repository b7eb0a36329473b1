/**
 * The local executor: sweep runs on a pool of worker threads (piscina), one run per thread at a
 * time, so a sweep keeps every core busy without a hand-made scheduler.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { LIMITS } from '../../../src-common/parse/limits';
import type { SweepJob, SweepJobOutput } from './job';
import { workerEntry } from '../worker-entry';
import { RUN_BUDGET } from '../run/runner';

/** Default threads: one per core. */
export function defaultJobs(): number {
  return os.availableParallelism();
}

export const MAX_JOBS = LIMITS.sweepThreads.value;

/** The least V8 heap a sweep run is given, MB: the 20 h seed run peaks near 230 MB, bigger machines more. */
export const MIN_RUN_HEAP_MB = 512;

/**
 * The heap each of `threads` sweep threads may use, MB: a single run's budget (RUN_BUDGET), shared out
 * so that all threads together stay within three quarters of the machine's memory — `--jobs 64` on a
 * 24 GiB machine must not let 64 runs of 2 GB each exhaust it. Throws a RangeError naming `field` when
 * the share would fall below MIN_RUN_HEAP_MB.
 */
export function threadHeapMb(threads: number, field = 'jobs', totalBytes = os.totalmem()): number {
  const usableMb = Math.floor((totalBytes / 2 ** 20) * 0.75);
  const share = Math.min(RUN_BUDGET.memoryMb, Math.floor(usableMb / threads));
  if (share < MIN_RUN_HEAP_MB) {
    const most = Math.max(1, Math.floor(usableMb / MIN_RUN_HEAP_MB));
    throw new RangeError(`${field}: ${threads} threads would leave each run ${share} MB of heap on this machine's ${(totalBytes / 2 ** 30).toFixed(1)} GiB (a run needs ${MIN_RUN_HEAP_MB} MB); at most ${most}`);
  }
  return share;
}

export class SweepPool {
  private readonly pool: Piscina<SweepJob, SweepJobOutput>;
  private readonly abort = new AbortController();

  constructor(readonly threads = defaultJobs()) {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_JOBS) throw new RangeError(`jobs: expected an integer from 1 to ${MAX_JOBS}, got ${threads}`);
    const heapMb = threadHeapMb(threads);
    this.pool = new Piscina({
      filename: workerEntry('sweep-worker', new URL('./pool-boot.mjs', import.meta.url)).href,
      minThreads: threads,
      maxThreads: threads,
      // A run holds its thread for seconds; queueing more than one per thread only adds latency to a stop.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      // A run past its heap ends its thread with ERR_WORKER_OUT_OF_MEMORY: that run fails, the host lives.
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 },
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
