import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import fs from 'node:fs';
import { parseDuration, formatDuration } from '../../../src-common/parse/duration';
import type { ParamValues } from '../../engine/core';
import type { RunSummary } from '../../engine/run/build';
import { applyOverrides } from '../../engine/run/build';
import { startRun } from '../../host/run/runner';
import { loadWorkspace } from '../../host/workspace/load';
import { defaultStorePath, openStore, type Store } from '../../host/store';
import { openCliStore, requireStore } from '../store';
import { RunRecorder } from '../../host/history/recorder';
import { rerunInput } from '../../host/history/rerun';
import { loadReportRun } from '../../host/report/data';
import { writeReport } from '../../host/report/write';
import type { Workspace } from '../../../src-common/workspace';
import { CliError } from '../errors';
import { parseUntil, UNTIL_NAMES } from '../../../src-common/parse/until';
import { COMMANDS } from '../command-list';

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

/** `KEY=VALUE` pairs → overrides; every key is checked before the run starts. */
export function parseSets(sets: string[]): ParamValues {
  const out: ParamValues = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${JSON.stringify(s)}: expected KEY=VALUE`);
    out[s.slice(0, eq).trim()] = s.slice(eq + 1).trim();
  }
  return out;
}

export interface HeadlessRun {
  workspace: Workspace;
  seed: number;
  durationNs: number;
  set: ParamValues;
  json?: string;
  db?: string;
  /** Write the HTML report of this run here at the end (host/report). */
  report?: string;
  /** `--until`: end at this condition or simulated time (status stopped-at). */
  until?: string;
  progress: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(COMMANDS.run.description)
    .argument('[workspace]', 'workspace JSON file or builtin:NAME (not with --rerun)')
    .option('--duration <time>', 'simulated time (ns, us, ms, s, m, h, d)', '20h')
    .option('--seed <n>', 'PRNG seed (integer)', '1')
    .option('--set <KEY=VALUE>', "override a model parameter (see 'twb params'), or kernel.barriers=none|set|clear|both; repeatable", collect, [])
    .option('--json <file>', 'write the run summary as JSON')
    .option('--db <file>', 'record the run while it executes (log, samples, lockups, summary) in this SQLite store')
    .option('--report <file.html>', 'write a self-contained HTML report of the run at the end')
    .option('--until <condition|time>', `end the run early, with status stopped-at, at the first ${UNTIL_NAMES.join(' | ')} or at a simulated time (e.g. 30m)`)
    .option('--rerun <run-id>', 'run a stored run again (from --db, default the store of twb serve): same workspace snapshot, seed, --set and duration')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (ref: string | undefined, opts: { duration: string; seed: string; set: string[]; json?: string; db?: string; report?: string; rerun?: string; until?: string; progress: boolean }, cmd: Command) => {
      if (opts.until !== undefined) {
        try {
          parseUntil(opts.until);
        } catch (e) {
          throw new CliError(`--until: ${(e as Error).message}`);
        }
      }
      if (opts.rerun !== undefined) {
        if (ref !== undefined) throw new CliError('--rerun: give either a workspace or --rerun RUN_ID, not both');
        for (const o of ['duration', 'seed'] as const)
          if (cmd.getOptionValueSource(o) === 'cli') throw new CliError(`--rerun: --${o} comes from the stored run and cannot be given`);
        if (opts.set.length) throw new CliError('--rerun: --set comes from the stored run and cannot be given');
        requireStore(opts.db);
        const db = opts.db ?? defaultStorePath();
        await runHeadless({ ...rerunInput(db, opts.rerun), json: opts.json, db, report: opts.report, until: opts.until, progress: opts.progress });
        return;
      }
      if (ref === undefined) throw new CliError("missing required argument 'workspace' (or --rerun RUN_ID)");
      let durationNs: number;
      try {
        durationNs = parseDuration(opts.duration);
      } catch (e) {
        throw new CliError(`--duration: ${(e as Error).message}`);
      }
      if (durationNs <= 0) throw new CliError('--duration: expected more than 0');
      if (!/^\d+$/.test(opts.seed) || !Number.isSafeInteger(Number(opts.seed))) throw new CliError(`--seed: expected a non-negative integer, got '${opts.seed}'`);
      const seed = Number(opts.seed);
      const set = parseSets(opts.set);
      const workspace = loadWorkspace(ref);
      await runHeadless({ workspace, seed, durationNs, set, json: opts.json, db: opts.db, report: opts.report, until: opts.until, progress: opts.progress });
    });
}

/** Simulates one run in a worker, recording it (with --db or --report) while it executes. */
export async function runHeadless(r: HeadlessRun): Promise<void> {
  const { workspace, seed, durationNs, set } = r;
  // The worker builds the run first (off this thread, with a memory and time budget): bad
  // input fails there, before any store is touched.
  let rec: RunRecorder | null = null;
  const handle = startRun(
    { workspace, seed, durationNs, set, ...(r.until !== undefined ? { until: r.until, atUntil: 'stop' as const } : {}) },
    (u) => {
      bar?.update(Math.floor((1000 * u.simNs) / u.durationNs), { sim: `${Math.floor(u.simNs / 1e9)}s`, limit: formatDuration(durationNs), lost: u.counters.lostIpis, lockups: u.counters.lockups });
      rec?.onUpdate(u);
    },
    { holdUntilGo: true },
  );
  const stop = () => handle.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await handle.ready;
  } catch (e) {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    throw new CliError((e as Error).message);
  }
  // --report without --db records into a throw-away in-memory store, so the report reads one format.
  let store: Store | null;
  try {
    store = r.db ? openCliStore(r.db, 'record') : r.report ? openStore(':memory:') : null;
    rec = store ? RunRecorder.start(store, { workspaceName: workspace.name, workspace: applyOverrides(workspace, set).ws, seed, params: set, durationNs }) : null;
  } catch (e) {
    handle.cancel();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    throw e;
  }

  const bar = r.progress && process.stderr.isTTY ? new SingleBar({ format: 'simulating {bar} {percentage}% | {sim} of {limit} | {lost} lost IPIs | {lockups} lockups', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
  bar?.start(1000, 0, { sim: '0s', limit: formatDuration(durationNs), lost: 0, lockups: 0 });
  handle.go();
  let summary: RunSummary;
  try {
    summary = await handle.result;
  } catch (e) {
    bar?.stop();
    rec?.fail((e as Error).message);
    store?.close();
    throw new CliError(`run failed: ${(e as Error).message}`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  bar?.update(Math.floor((1000 * summary.simulatedSeconds * 1e9) / durationNs));
  bar?.stop();
  try {
    rec?.end(summary);
    if (r.report && store && rec) writeReport(r.report, 'html', [loadReportRun(store, rec.runId)]);
  } finally {
    store?.close();
  }
  if (r.json) fs.writeFileSync(r.json, JSON.stringify(summary, null, 2) + '\n');
  printSummary(summary, r.db ? rec?.runId : undefined);
  if (summary.status === 'failed') throw new CliError(`run failed at ${summary.simulatedSeconds.toFixed(6)} s simulated: ${summary.error}`);
  if (summary.status === 'cancelled') process.exitCode = 130;
}

/** `20h` when exact, else seconds: `6216.5s`. */
function simulated(sec: number): string {
  const ns = Math.round(sec * 1e9);
  return ns % 1e9 === 0 ? formatDuration(ns) : `${Math.round(sec * 1000) / 1000}s`;
}

/** ` (raced KICK 0 / RESCHEDULE 1 / …)`: lost IPIs by the kind of IPI they raced (a loss raced by two kinds counts under both). */
function racedBy(s: RunSummary): string {
  if (!s.lostIpis || !s.lostByPartner) return '';
  return ` (raced ${Object.entries(s.lostByPartner).map(([k, n]) => `${k} ${n}`).join(' / ')})`;
}

function printSummary(s: RunSummary, runId?: number): void {
  const lines = [
    `${s.workspace}: ${simulated(s.simulatedSeconds)} simulated in ${s.wallSeconds.toFixed(2)} s (seed ${s.seed}, kernel.barriers=${s.barriers}) — ${s.status}${s.stoppedAt ? ` ${s.stoppedAt.condition === 'time' ? 'the requested time' : s.stoppedAt.condition} (${s.stoppedAt.t.toFixed(9)} s)` : ''}${runId !== undefined ? `, run #${runId}` : ''}`,
    `IPIs: ${s.ipis.sent} sent, ${s.lostIpis} lost${racedBy(s)}, ${s.ipis.broadcasts} CALL_FUNCTION broadcasts; lockups: ${s.lockups.length}`,
    ...s.guests.map((g) => `guest ${g.name} (${g.mmu}) exits: ${Object.entries(g.exits).map(([k, v]) => `${k}=${v}`).join(' ')}`),
    `CPUs busy: ${s.cpus.filter((c) => c.busy >= 0.5).length} of ${s.cpus.length} over half the time`,
    ...s.warnings.map((w) => `warning: ${w}`),
    ...s.lockups.slice(0, 5).map((l) => `lockup: ${l.kind} on CPU ${l.cpu} at ${l.t.toFixed(1)} s, waiting on ${l.waitingOn}${l.task ? ` [${l.task}]` : ''}`),
    ...(s.lockups.length > 5 ? [`  … and ${s.lockups.length - 5} more lockups (see --json)`] : []),
    `kernel log: ${s.log.length} lines`,
    ...s.log.slice(0, 10).map((l) => `  [${l.t.toFixed(6).padStart(12)}] ${l.text}`),
  ];
  console.log(lines.join('\n'));
}
