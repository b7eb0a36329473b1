import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import fs from 'node:fs';
import { parseDuration } from '../../../src-common/parse/duration';
import { FieldError } from '../../../src-common/parse/field-error';
import type { Workspace } from '../../../src-common/workspace';
import { SWEEP_UNTIL } from '../../../src-common/bridge/areas/sweeps';
import { untilCondition } from '../../engine/core';
import { defaultStorePath, type Store, type SweepRecord } from '../../host/store';
import { openCliStore } from '../store';
import { checkRequest, createSweep, runSweep, type SweepExecutor, type SweepProgress } from '../../host/sweep/coordinator';
import { parseVary, type VaryAxis } from '../../host/sweep/grid';
import { LocalExecutor, SweepAborted } from '../../host/sweep/local-executor';
import { defaultJobs, MAX_JOBS, threadHeapMb } from '../../host/sweep/pool';
import { QueueExecutor, queueConnection } from '../../host/sweep/queue';
import { writeSweepReport } from '../../host/sweep/report-html';
import { summarizeSweep, sweepReport } from '../../host/sweep/summarize';
import { sweepText } from '../../host/sweep/text';
import { loadWorkspace } from '../../host/workspace/load';
import { CliError } from '../errors';
import { parseSets } from './run';
import { COMMANDS } from '../command-list';

const collect = (value: string, prev: string[]) => [...prev, value];
/** Longest simulated duration of one sweep run (as the app's run limit). */
const MAX_DURATION = '30d';

interface SweepOpts {
  seeds?: string;
  vary: string[];
  set: string[];
  duration: string;
  until?: string;
  jobs?: string;
  db?: string;
  json?: string;
  report?: string;
  resume?: string;
  queue?: string;
  progress: boolean;
}

/** A CLI argument error: FieldErrors name their field as `--field`. */
function cliError(e: unknown): CliError {
  if (e instanceof FieldError) return new CliError(`--${e.message}`);
  return new CliError((e as Error).message);
}

function positiveInt(text: string, field: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new CliError(`${field}: expected an integer from 1 to ${max}, got '${text.slice(0, 40)}'`);
  return Number(text);
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(COMMANDS.sweep.description)
    .argument('[workspace]', 'workspace JSON file or builtin:NAME (not with --resume)')
    .option('--seeds <list>', 'seeds to run, e.g. 1..200 or 1,5,9 (required unless --resume)')
    .option('--vary <KEY=V1,V2,…>', "one axis of the grid: a parameter (see 'twb params'), kernel.barriers or workloads.TARGET with its values; repeatable (every combination runs)", collect, [])
    .option('--set <KEY=VALUE>', 'an override for every run of the sweep; repeatable', collect, [])
    .option('--duration <time>', 'simulated time per run (ns, us, ms, s, m, h, d)', '20h')
    .option('--until <condition>', `end each run right after its first soft lockup: ${SWEEP_UNTIL.join(', ')}`)
    .option('--jobs <n>', `worker threads of the local pool (default: one per core, ${defaultJobs()} here)`)
    .option('--db <file>', 'the SQLite store that keeps the sweep and its runs (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve)')
    .option('--json <file>', 'write the per-configuration results as JSON')
    .option('--report <file.html>', 'write a self-contained HTML report with the survival curves')
    .option('--resume <sweep-id>', 'continue a stopped sweep from the store: only runs not stored yet are run')
    .option('--queue <redis-url>', 'run on a Redis queue (redis://[USER[:PASSWORD]@]HOST:PORT, rediss:// for TLS) served by `twb worker` processes instead of the local pool')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (ref: string | undefined, opts: SweepOpts, cmd: Command) => {
      const dbFile = opts.db ?? defaultStorePath();
      let store: Store | null = null;
      let executor: SweepExecutor | null = null;
      try {
        const conn = opts.queue !== undefined ? withCli(() => queueConnection(opts.queue!)) : null;
        if (opts.jobs !== undefined && conn) throw new CliError('--jobs: sets the local pool; with --queue, give `twb worker --concurrency N` instead');
        const jobs = opts.jobs !== undefined ? positiveInt(opts.jobs, '--jobs', MAX_JOBS) : undefined;
        if (jobs !== undefined) withCli(() => threadHeapMb(jobs, '--jobs'));
        let sweep: SweepRecord;
        if (opts.resume !== undefined) {
          if (ref !== undefined) throw new CliError('--resume: give either a workspace or --resume SWEEP_ID, not both');
          for (const o of ['seeds', 'duration', 'until'] as const)
            if (cmd.getOptionValueSource(o) === 'cli') throw new CliError(`--resume: --${o} comes from the stored sweep and cannot be given`);
          if (opts.vary.length || opts.set.length) throw new CliError('--resume: --vary and --set come from the stored sweep and cannot be given');
          const id = positiveInt(opts.resume.replace(/^#/, ''), '--resume', Number.MAX_SAFE_INTEGER);
          store = openCliStore(opts.db, 'write');
          sweep = withCli(() => store!.sweeps.get(id));
          if (sweep.status === 'finished') throw new CliError(`--resume: sweep #${id} is already finished (${sweep.done} of ${sweep.totalRuns} runs stored)`);
          executor = conn ? await withCliAsync(() => QueueExecutor.open(conn)) : new LocalExecutor(jobs);
          sweep = withCli(() => store!.sweeps.claim(id));
        } else {
          if (ref === undefined) throw new CliError("missing required argument 'workspace' (or --resume SWEEP_ID)");
          if (opts.seeds === undefined) throw new CliError('--seeds: required, e.g. --seeds 1..200');
          const durationNs = withCli(() => parseDuration(opts.duration), '--duration');
          if (durationNs <= 0 || durationNs > parseDuration(MAX_DURATION)) throw new CliError(`--duration: expected more than 0 and at most ${MAX_DURATION}`);
          // A sweep's statistics are about the first soft lockup: a run ended by another condition (a lost IPI, an RCU
          // stall) before it would count as censored, i.e. as a run without one.
          if (opts.until !== undefined && !(SWEEP_UNTIL as readonly string[]).includes(opts.until))
            throw new CliError(`--until: expected ${SWEEP_UNTIL.join(' or ')} (a sweep estimates the first soft lockup), got '${opts.until.slice(0, 40)}'`);
          const until = opts.until === undefined ? null : withCli(() => untilCondition(opts.until!).name, '--until');
          const set = parseSets(opts.set);
          const axes: VaryAxis[] = opts.vary.map((v) => withCli(() => parseVary(v)));
          const workspace: Workspace = withCli(() => loadWorkspace(ref));
          const req = { workspaceName: workspace.name, workspace, seeds: opts.seeds, axes, set, durationNs, until };
          // Everything is checked before a store, a thread or a connection exists.
          withCli(() => checkRequest(req));
          store = openCliStore(opts.db, 'record');
          executor = conn ? await withCliAsync(() => QueueExecutor.open(conn)) : new LocalExecutor(jobs);
          sweep = withCli(() => createSweep(store!, req, executor!.label));
        }
        await execute(store, sweep, executor, opts, dbFile);
      } finally {
        await executor?.close();
        store?.close();
      }
    });
}

function withCli<T>(f: () => T, field?: string): T {
  try {
    return f();
  } catch (e) {
    if (field && !(e instanceof FieldError)) throw new CliError(`${field}: ${(e as Error).message}`);
    throw cliError(e);
  }
}

async function withCliAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw cliError(e);
  }
}

async function execute(store: Store, sweep: SweepRecord, executor: SweepExecutor, opts: SweepOpts, dbFile: string): Promise<void> {
  const bar =
    opts.progress && process.stderr.isTTY
      ? new SingleBar({ format: 'sweep #{id} {bar} {value}/{total} runs | {lockups} with a soft lockup | ETA {eta}', stream: process.stderr, hideCursor: true }, Presets.shades_classic)
      : null;
  bar?.start(sweep.totalRuns, sweep.done, { id: sweep.id, lockups: 0, eta: '…' });
  const onProgress = (p: SweepProgress) => bar?.update(p.done, { lockups: p.lockups, eta: p.etaSeconds === null ? '…' : etaText(p.etaSeconds) });
  if (!bar) process.stderr.write(`sweep #${sweep.id}: ${sweep.totalRuns - sweep.done} runs to go on ${executor.label}\n`);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  const before = sweep.done;
  let ended: SweepRecord;
  try {
    ended = await runSweep(store, sweep, executor, { onProgress, signal: abort.signal });
  } catch (e) {
    bar?.stop();
    const now = store.sweeps.get(sweep.id);
    const resume = `continue with: twb sweep --resume ${sweep.id}${opts.db ? ` --db ${opts.db}` : ''}${executor.label !== 'local' ? ' --queue URL' : ''}`;
    if (e instanceof SweepAborted) {
      process.stderr.write(`sweep #${sweep.id} stopped: ${now.done} of ${now.totalRuns} runs stored; ${resume}\n`);
      process.exitCode = 130;
      return;
    }
    throw new CliError(`sweep #${sweep.id} stopped: ${(e as Error).message} (${now.done} of ${now.totalRuns} runs stored; ${resume})`);
  } finally {
    process.off('SIGINT', onSigint);
  }
  bar?.stop();
  const wall = (performance.now() - t0) / 1000;
  const ran = ended.done - before;
  const view = summarizeSweep(ended, store.sweeps.runs(ended.id));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(sweepReport(view), null, 2) + '\n');
  if (opts.report) writeSweepReport(opts.report, view);
  console.log(sweepText(view));
  console.log(`${ran} runs in ${wall.toFixed(1)} s (${(ran / Math.max(wall, 1e-9)).toFixed(2)} runs/s) on ${executor.label}; stored in ${dbFile}`);
}

function etaText(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
