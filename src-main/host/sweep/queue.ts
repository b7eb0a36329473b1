/**
 * Sweeps across machines on a Redis-backed job queue (BullMQ). The coordinator (`twb sweep
 * --queue URL`) enqueues one job per run on the shared queue `twb-sweep-runs`; any number of
 * `twb worker --queue URL` processes take jobs, simulate them on their own thread pool and add
 * the result to the sweep's results queue; the coordinator stores results as they arrive.
 *
 * Delivery is at least once and storage exactly once: a worker killed mid-run stops renewing
 * its job's lock, another worker's stalled check puts the job back, and it runs again
 * elsewhere; a result that arrives twice finds its (sweep, configuration, seed) already stored.
 * Job ids are `${sweep uuid}-${configuration}-${seed}`, so enqueueing a run again (a resumed
 * sweep) while its job still waits or runs adds nothing.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { SweepRecord } from '../store';
import type { PlannedRun, RunDelivery, SweepExecutor } from './coordinator';
import type { SweepJob, SweepJobOutput } from './job';
import { SweepAborted } from './local-executor';
import { SweepPool } from './pool';
import { loadWorkspace } from '../workspace/load';

export const RUNS_QUEUE = 'twb-sweep-runs';
/** Key prefix of every queue (BullMQ's `prefix`), so the workbench's keys are easy to find and delete. */
export const PREFIX = 'twb';
const resultsQueueName = (uuid: string) => `twb-sweep-results-${uuid}`;

/** What a run job carries. */
export interface RunJobData {
  /** The sweep's results queue. */
  results: string;
  config: string;
  seed: number;
  job: SweepJob;
  /** The coordinator's engine fingerprint; a worker with another engine refuses the job. */
  engine: string;
}

export type ResultJobData = RunDelivery;

/** Where and how to reach Redis. */
export interface QueueConnection {
  /** The URL without password, for messages and the store. */
  label: string;
  options: RedisOptions;
}

export const ENV = {
  username: 'TWB_REDIS_USERNAME',
  password: 'TWB_REDIS_PASSWORD',
  ca: 'TWB_REDIS_TLS_CA',
  cert: 'TWB_REDIS_TLS_CERT',
  key: 'TWB_REDIS_TLS_KEY',
} as const;

/**
 * `redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]` or `rediss://…` (TLS). User and password come from
 * the URL, else from TWB_REDIS_USERNAME / TWB_REDIS_PASSWORD (keeps the password out of `ps`).
 * With rediss, TWB_REDIS_TLS_CA names the CA certificate (PEM) to trust, and
 * TWB_REDIS_TLS_CERT / TWB_REDIS_TLS_KEY a client certificate when the server asks for one.
 */
export function queueConnection(text: string, env: NodeJS.ProcessEnv = process.env): QueueConnection {
  const field = '--queue';
  if (text.length > 2048) throw new Error(`${field}: expected a URL of at most 2048 characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${field}: expected redis://HOST:PORT or rediss://HOST:PORT, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`${field}: expected a redis:// or rediss:// URL, got ${url.protocol}//`);
  if (!url.hostname) throw new Error(`${field}: the URL names no host`);
  if (url.search || url.hash) throw new Error(`${field}: the URL takes no query or fragment`);
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) throw new Error(`${field}: expected a database number after the host (/0 … /99), got /${dbText.slice(0, 20)}`);
  const username = url.username ? decodeURIComponent(url.username) : env[ENV.username] || undefined;
  const password = url.password ? decodeURIComponent(url.password) : env[ENV.password] || undefined;
  const read = (name: string) => {
    const file = env[name];
    if (!file) return undefined;
    try {
      return fs.readFileSync(file);
    } catch (e) {
      throw new Error(`${name}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
  };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // SNI carries host names only (RFC 6066): an IP address is checked against the certificate's IP SANs.
  const tls = url.protocol === 'rediss:' ? { ...(net.isIP(host) ? {} : { servername: host }), ca: read(ENV.ca), cert: read(ENV.cert), key: read(ENV.key) } : undefined;
  return {
    label: `${url.protocol}//${username ? `${encodeURIComponent(username)}@` : ''}${url.host}${dbText ? `/${dbText}` : ''}`,
    options: { host, port, username, password, db: dbText ? Number(dbText) : 0, ...(tls ? { tls } : {}) },
  };
}

/** Connects, or fails within a few seconds with the reason (refused, wrong password, TLS). */
export async function connectRedis(c: QueueConnection): Promise<Redis> {
  let ready = false;
  let lastError: Error | null = null;
  const redis = new Redis({
    ...c.options,
    lazyConnect: true,
    connectTimeout: 5000,
    // BullMQ's blocking calls need this; a lost connection is retried once we were connected.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => (ready ? Math.min(times * 500, 5000) : null),
  });
  redis.on('error', (e: Error) => (lastError = e));
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    const why = (lastError as Error | null)?.message ?? (e as Error).message;
    throw new Error(`cannot use Redis at ${c.label}: ${why}`, { cause: e });
  }
  ready = true;
  return redis;
}

/** A short deterministic run whose trace digest tells two engines apart (cached per process). */
let fingerprint: Promise<string> | null = null;
export function engineFingerprint(pool: SweepPool): Promise<string> {
  fingerprint ??= pool.run({ workspace: loadWorkspace('builtin:seed-power9-ipi'), set: { 'kernel.barriers': 'none' }, seed: 1, durationNs: 120e9, until: null }).then((o) => o.result.trace);
  return fingerprint;
}

/** The coordinator's side: enqueue the runs, collect the results. */
export class QueueExecutor implements SweepExecutor {
  readonly label: string;
  private closers: (() => Promise<unknown>)[] = [];

  private constructor(
    private readonly redis: Redis,
    conn: QueueConnection,
  ) {
    this.label = conn.label;
    this.closers.push(() => redis.quit());
  }

  static async open(conn: QueueConnection): Promise<QueueExecutor> {
    return new QueueExecutor(await connectRedis(conn), conn);
  }

  async execute(sweep: SweepRecord, runs: PlannedRun[], deliver: (d: RunDelivery) => void, complete: () => boolean, signal: AbortSignal): Promise<void> {
    const connection = this.redis;
    const resultsName = resultsQueueName(sweep.uuid);
    const pool = new SweepPool(1);
    let engine: string;
    try {
      engine = await engineFingerprint(pool);
    } finally {
      await pool.close();
    }
    const results = new Queue<ResultJobData>(resultsName, { connection, prefix: PREFIX });
    const work = new Queue<RunJobData>(RUNS_QUEUE, { connection, prefix: PREFIX });
    // QueueEvents blocks on its connection: it gets its own.
    const eventsConnection = connection.duplicate();
    const events = new QueueEvents(RUNS_QUEUE, { connection: eventsConnection, prefix: PREFIX });
    this.closers.unshift(
      () => results.close(),
      () => work.close(),
      () => events.close(),
      () => eventsConnection.quit(),
    );
    await events.waitUntilReady();
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      const onAbort = () => fail(new SweepAborted());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      // A job that failed for good (its attempts used up, or stalled too often) cannot deliver.
      events.on('failed', ({ jobId, failedReason }) => {
        if (!jobId.startsWith(`${sweep.uuid}-`)) return;
        void work.getJobState(jobId).then((state) => {
          if (state === 'failed') fail(new Error(`run job ${jobId} failed on the workers: ${failedReason}`));
        }, fail);
      });
      const collector = new Worker<ResultJobData>(
        resultsName,
        async (job: Job<ResultJobData>) => {
          deliver(job.data);
          if (complete()) resolve();
        },
        { connection, prefix: PREFIX, concurrency: 1, removeOnComplete: { count: 0 } },
      );
      this.closers.unshift(() => collector.close());
      collector.on('error', fail);
      const opts = (r: PlannedRun) => ({ jobId: r.id, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
      const add = async () => {
        for (let i = 0; i < runs.length; i += 500) {
          const chunk = runs.slice(i, i + 500);
          await work.addBulk(chunk.map((r) => ({ name: 'run', data: { results: resultsName, config: r.config.key, seed: r.seed, job: r.job, engine }, opts: opts(r) })));
        }
      };
      add().catch(fail);
    });
    // Every run is stored: the results queue is not needed any more.
    await results.obliterate({ force: true });
  }

  async close(): Promise<void> {
    for (const c of this.closers.splice(0)) await c().catch(() => {});
  }
}

export interface QueueWorkerOptions {
  concurrency: number;
  /** How long a job's lock lives without renewal: a dead worker's job is retried after at most about twice this. */
  lockDurationMs: number;
  onEvent?: (e: { kind: 'started' | 'finished' | 'failed'; jobId: string; seed: number; config: string; wallMs?: number; error?: string }) => void;
}

export const WORKER_LABEL = `${os.hostname()} pid ${process.pid}`;

/** `twb worker`: takes run jobs from the queue until closed. */
export async function startQueueWorker(conn: QueueConnection, opts: QueueWorkerOptions): Promise<{ close(force?: boolean): Promise<void>; engine: string }> {
  const connection = await connectRedis(conn);
  const pool = new SweepPool(opts.concurrency);
  const engine = await engineFingerprint(pool);
  const worker = new Worker<RunJobData>(
    RUNS_QUEUE,
    async (job) => {
      const { config, seed } = job.data;
      if (job.data.engine !== engine)
        throw new UnrecoverableError(`this worker's engine (${engine}) differs from the coordinator's (${job.data.engine}): run the same build of the workbench on every machine`);
      opts.onEvent?.({ kind: 'started', jobId: job.id!, seed, config });
      const output: SweepJobOutput = await pool.run(job.data.job);
      // One results queue per sweep: opened for this result and closed after it (a long-lived worker sees many sweeps).
      const results = new Queue<ResultJobData>(job.data.results, { connection, prefix: PREFIX });
      try {
        await results.add('result', { config, seed, output, worker: WORKER_LABEL }, { jobId: job.id!, removeOnComplete: true, removeOnFail: { count: 1000 } });
      } finally {
        await results.close();
      }
      opts.onEvent?.({ kind: 'finished', jobId: job.id!, seed, config, wallMs: output.wallMs });
      return { stored: true };
    },
    { connection, prefix: PREFIX, concurrency: opts.concurrency, lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs, maxStalledCount: 5 },
  );
  worker.on('failed', (job, e) => job && opts.onEvent?.({ kind: 'failed', jobId: job.id!, seed: job.data.seed, config: job.data.config, error: e.message }));
  await worker.waitUntilReady();
  return {
    engine,
    close: async (force = false) => {
      await worker.close(force);
      await pool.close();
      await connection.quit();
    },
  };
}
