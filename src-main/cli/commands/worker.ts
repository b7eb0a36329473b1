import type { Command } from 'commander';
import { parseDuration } from '../../../src-common/parse/duration';
import { defaultJobs, MAX_JOBS, threadHeapMb } from '../../host/sweep/pool';
import { queueConnection, startQueueWorker } from '../../host/sweep/queue';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(COMMANDS.worker.description)
    .requiredOption('--queue <redis-url>', 'redis://[USER[:PASSWORD]@]HOST:PORT (rediss:// for TLS); or TWB_REDIS_USERNAME / TWB_REDIS_PASSWORD')
    .option('--concurrency <n>', `runs at a time, each on its own thread (default: one per core, ${defaultJobs()} here)`)
    .option('--lock-duration <time>', "how long a run's lock lasts without renewal: a killed worker's runs are retried elsewhere after about twice this", '30s')
    .option('--quiet', 'no line per run')
    .action(async (opts: { queue: string; concurrency?: string; lockDuration: string; quiet?: boolean }) => {
      let conn;
      try {
        conn = queueConnection(opts.queue);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const c = opts.concurrency ?? String(defaultJobs());
      if (!/^\d+$/.test(c) || Number(c) < 1 || Number(c) > MAX_JOBS) throw new CliError(`--concurrency: expected an integer from 1 to ${MAX_JOBS}, got '${c.slice(0, 40)}'`);
      try {
        threadHeapMb(Number(c), '--concurrency');
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      let lockMs: number;
      try {
        lockMs = parseDuration(opts.lockDuration) / 1e6;
      } catch (e) {
        throw new CliError(`--lock-duration: ${(e as Error).message}`);
      }
      if (lockMs < 1000 || lockMs > 3_600_000) throw new CliError('--lock-duration: expected from 1s to 1h');
      const log = (s: string) => !opts.quiet && process.stderr.write(`${new Date().toISOString()} ${s}\n`);
      let w;
      try {
        w = await startQueueWorker(conn, {
          concurrency: Number(c),
          lockDurationMs: Math.round(lockMs),
          onEvent: (e) => log(`${e.kind} ${e.jobId} (seed ${e.seed} ${e.config})${e.wallMs !== undefined ? ` in ${(e.wallMs / 1000).toFixed(2)} s` : ''}${e.error ? `: ${e.error}` : ''}`),
        });
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const worker = w;
      process.stderr.write(`twb worker: taking sweep runs from ${conn.label} with ${c} threads (engine ${worker.engine}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) {
            process.stderr.write('twb worker: stopping now; runs in hand go back to the queue when their locks expire\n');
            void worker.close(true).finally(() => process.exit(130));
            return;
          }
          stopping = true;
          process.stderr.write('twb worker: finishing the runs in hand (Ctrl-C again to stop at once)\n');
          void worker.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
