/**
 * Heavy bridge requests (device and AIE runs, imports, reports) run on a small pool of job
 * threads (piscina), never on the thread that serves the bridge: another client's `app.info`
 * is answered while one client's import parses 8 MB of XML. Each job has a memory budget
 * (the thread's V8 heap; over it the thread dies, not the host) and a wall budget (the thread
 * is ended); a job is also ended when its caller goes away.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { EncodedValue } from '../../../src-common/bridge/protocol';
import { ConflictError, DisconnectedError, InternalError, LimitError, NotFoundError, ValidationError } from '../../../src-common/bridge/errors';
import { FieldError } from '../../../src-common/parse/field-error';
import { workerEntry } from '../worker-entry';
import { runJobHere, type JobArg, type JobName, type JobOutcome, type JobValue } from './jobs';

export interface JobRunner {
  /** Runs a job to its value, or rejects with a typed error (LimitError past a budget). */
  run<N extends JobName>(name: N, arg: JobArg<N>, signal?: AbortSignal): Promise<JobValue<N>>;
  /** The same, with the value written as JSON in the job thread: for large replies (AIE memory dumps). */
  runEncoded<N extends JobName>(name: N, arg: JobArg<N>, signal?: AbortSignal): Promise<EncodedValue<JobValue<N>>>;
  close(): Promise<void>;
}

/** The budgets of one job (docs/limits.md lists them with the input limits). */
export const JOB_BUDGET = {
  /** The job thread's V8 heap (old generation), MB. */
  memoryMb: 512,
  /** Wall time before the thread is ended, ms. */
  wallMs: 60_000,
  /** Jobs waiting for a thread; more are refused as busy. */
  queue: 32,
};

export class JobPool implements JobRunner {
  private readonly pool: Piscina<{ name: JobName; arg: unknown; encode: boolean }, JobOutcome>;
  private readonly closing = new AbortController();

  constructor(
    private readonly budget = JOB_BUDGET,
    threads = Math.max(1, Math.min(2, os.availableParallelism() - 1)),
  ) {
    this.pool = new Piscina({
      filename: workerEntry('job-worker', new URL('./job-boot.mjs', import.meta.url)).href,
      minThreads: 1,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: 30_000,
      maxQueue: budget.queue,
      resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb, maxYoungGenerationSizeMb: 32 },
    });
  }

  async run<N extends JobName>(name: N, arg: JobArg<N>, signal?: AbortSignal): Promise<JobValue<N>> {
    return unwrap(await this.outcome(name, arg, false, signal)) as JobValue<N>;
  }

  async runEncoded<N extends JobName>(name: N, arg: JobArg<N>, signal?: AbortSignal): Promise<EncodedValue<JobValue<N>>> {
    return unwrap(await this.outcome(name, arg, true, signal)) as EncodedValue<JobValue<N>>;
  }

  private async outcome(name: JobName, arg: unknown, encode: boolean, signal?: AbortSignal): Promise<JobOutcome> {
    const wall = AbortSignal.timeout(this.budget.wallMs);
    const any = AbortSignal.any([wall, this.closing.signal, ...(signal ? [signal] : [])]);
    let outcome: JobOutcome;
    try {
      outcome = await this.pool.run({ name, arg, encode }, { signal: any });
    } catch (e) {
      const err = e as Error & { code?: string };
      if (wall.aborted) throw new LimitError(`${name}: stopped after its ${this.budget.wallMs / 1000} s budget`);
      if (signal?.aborted || this.closing.signal.aborted) throw new DisconnectedError(`${name}: cancelled (the caller went away or the host is stopping)`);
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory/i.test(err.message)) throw new LimitError(`${name}: ran out of its ${this.budget.memoryMb} MB memory budget`);
      if (/queue is at limit/i.test(err.message)) throw new LimitError(`the host is busy: ${this.budget.queue} heavy requests are waiting; try again`);
      throw new InternalError(`${name}: the job thread failed: ${err.message}`);
    }
    return outcome;
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.pool.destroy();
  }
}

/** Runs jobs on the calling thread: for tests and tools that serve nobody else. */
export const inlineJobs: JobRunner = {
  run: async (name, arg) => unwrap(await runJobHere(name, arg)) as never,
  runEncoded: async (name, arg) => unwrap(await runJobHere(name, arg, true)) as never,
  close: async () => {},
};

/** A job's value, or its failure rethrown as the class it had in the job thread. */
function unwrap(o: JobOutcome): unknown {
  if (o.ok) return 'json' in o ? new EncodedValue(o.json) : o.value;
  const { name, message, field, detail, more } = o.error;
  if (name === 'FieldError' && field !== undefined && detail !== undefined) throw new FieldError(field, detail, more);
  const Known = { NotFoundError, ConflictError, ValidationError, LimitError } as Record<string, new (m: string) => Error>;
  if (Known[name]) throw new Known[name](message);
  const e = new Error(message);
  e.name = name;
  throw e;
}
