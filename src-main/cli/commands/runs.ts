import type { Command } from 'commander';
import { formatDuration } from '../../../src-common/parse/duration';
import { defaultStorePath, type Store } from '../../host/store';
import { openCliStore, requireStore } from '../store';
import { compareRuns, type RunComparison } from '../../host/history/compare';
import { parseRunId } from '../../host/history/rerun';
import { loadReportRun, type ReportLockup, type ReportRun } from '../../host/report/data';
import { CliError } from '../errors';
import { callTraceLines, lostIpiText } from '../../../src-common/bridge/areas/runs';
import { runHeadless } from './run';
import { rerunInput } from '../../host/history/rerun';
import { COMMANDS } from '../command-list';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description(COMMANDS.runs.description);
  runs
    .command('list')
    .description('list stored runs, newest first: id, workspace, seed, status, started, simulated duration')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .option('--json', 'print JSON: [{id, workspace, seed, status, started, simulatedSeconds}]')
    .action((opts: { db?: string; json?: boolean }) => {
      const store = openCliStore(opts.db, 'read');
      try {
        const rows = store.runs.list().map((r) => ({ id: r.id, workspace: r.workspaceName, seed: r.seed, status: r.status, started: r.startedAt, simulatedSeconds: r.simulatedNs / 1e9 }));
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) console.log('no runs');
        else
          for (const r of rows)
            console.log(`#${r.id}  ${r.workspace}  seed ${r.seed}  ${r.status.padEnd(11)}  ${r.started}  ${r.simulatedSeconds > 0 ? formatDuration(Math.round(r.simulatedSeconds * 1e9)) : '0s'}`);
      } finally {
        store.close();
      }
    });
  registerRunsHistory(runs);
}

function withStore<T>(db: string | undefined, f: (store: Store) => T, purpose: 'read' | 'write' = 'read'): T {
  const store = openCliStore(db, purpose);
  try {
    return f(store);
  } finally {
    store.close();
  }
}

function runId(text: string): number {
  try {
    return parseRunId(text);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** show / delete / compare / rerun (run history, host/history). */
function registerRunsHistory(runs: Command): void {
  runs
    .command('show')
    .description('show one stored run: configuration, outcome, lockups, and the start of its kernel log')
    .argument('<run-id>')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .option('--json', 'print everything as JSON (the JSON report of this run)')
    .option('--lost-ipis', 'print every lost IPI: the handshake episode that lost it in the seed\'s column style, its deferred stores and the `twb explore ipi` witness it matches')
    .action((id: string, opts: { db?: string; json?: boolean; lostIpis?: boolean }) => {
      const r = withStore(opts.db, (s) => loadReportRun(s, runId(id)));
      if (opts.lostIpis && opts.json) console.log(JSON.stringify(r.losses, null, 2));
      else if (opts.lostIpis) console.log(r.losses.length ? r.losses.map((l, i) => lostIpiText(l, i + 1, r.losses.length)).join('\n\n') : `run #${r.id}: no lost IPIs`);
      else if (opts.json) console.log(JSON.stringify(r, null, 2));
      else console.log(showText(r));
    });
  runs
    .command('delete')
    .description('delete stored runs and all their recorded detail')
    .argument('<run-id...>')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .option('--json', 'print JSON: {deleted: [ids]}')
    .action((ids: string[], opts: { db?: string; json?: boolean }) => {
      const list = ids.map(runId);
      withStore(opts.db, (s) => {
        // All or nothing: every id is checked before any is deleted.
        s.db.transaction(() => list.forEach((i) => s.history.delete(i)))();
      }, 'write');
      console.log(opts.json ? JSON.stringify({ deleted: list }) : `deleted ${list.map((i) => `#${i}`).join(', ')}`);
    });
  runs
    .command('compare')
    .description('compare two stored runs: parameters that differ, first-lockup times, lost IPIs, exits, throughput')
    .argument('<run-a>')
    .argument('<run-b>')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .option('--json', 'print the comparison as JSON')
    .action((a: string, b: string, opts: { db?: string; json?: boolean }) => {
      const c = withStore(opts.db, (s) => compareRuns(loadReportRun(s, runId(a)), loadReportRun(s, runId(b))));
      console.log(opts.json ? JSON.stringify(c, null, 2) : compareText(c));
    });
  runs
    .command('rerun')
    .description('run a stored run again with the same workspace snapshot, seed, --set overrides and duration, recorded as a new run')
    .argument('<run-id>')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .option('--json <file>', 'write the run summary as JSON')
    .option('--report <file.html>', 'write the HTML report of the new run')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (id: string, opts: { db?: string; json?: string; report?: string; progress: boolean }) => {
      requireStore(opts.db);
      const db = opts.db ?? defaultStorePath();
      let input;
      try {
        input = rerunInput(db, String(runId(id)));
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      await runHeadless({ ...input, db, json: opts.json, report: opts.report, progress: opts.progress });
    });
}

function showText(r: ReportRun): string {
  const lines = [
    `run #${r.id}  ${r.workspaceName}  seed ${r.seed}  ${r.status}${r.stoppedAt ? ` ${r.stoppedAt.condition} at ${r.stoppedAt.t.toFixed(9)} s` : ''}${r.error ? ` (${r.error})` : ''}`,
    `started ${r.startedAt}, finished ${r.finishedAt ?? '—'}`,
    `simulated ${formatDuration(Math.round(r.simulatedSeconds * 1e9))}${r.requestedSeconds !== null ? ` of ${formatDuration(Math.round(r.requestedSeconds * 1e9))}` : ''}${r.wallSeconds !== null ? ` in ${r.wallSeconds.toFixed(2)} s wall` : ''}`,
    `kernel.barriers=${r.barriers ?? '—'}  --set ${Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'none'}`,
    `IPIs: ${r.ipisSent} sent, ${r.lostIpis} lost${r.losses.length ? ` (their episodes: --lost-ipis)` : ''}; lockups: ${r.lockups.length}`,
    ...r.exits.map((g) => `guest ${g.name} exits: ${Object.entries(g.exits).map(([k, v]) => `${k}=${v}`).join(' ')} (total ${g.total})`),
    ...lockupLines(r.lockups.slice(0, 20)),
    `samples: ${r.series[0]?.points.length ?? 0}; kernel log: ${r.log.length} lines`,
    ...r.log.slice(0, 10).map((l) => `  [${l.t.toFixed(6).padStart(12)}] ${l.text}`),
  ];
  return lines.join('\n');
}

/** Each lockup, and under it its Call Trace (a repeated report of the same stack on the same CPU refers back to the first). */
function lockupLines(lockups: readonly ReportLockup[]): string[] {
  const shown = new Map<string, number>();
  return lockups.flatMap((l) => {
    const line = `lockup t=${l.t}s ${l.kind} cpu ${l.cpu}${l.task ? ` task ${l.task}` : ''} waiting on ${l.waitingOn}`;
    if (!l.callTrace?.length) return [line];
    const key = `${l.cpu} ${l.task} ${l.callTrace.join(' ')}`;
    const first = shown.get(key);
    if (first !== undefined) return [line, `  Call Trace: as at t=${first}s`];
    shown.set(key, l.t);
    return [line, ...callTraceLines(l.callTrace).map((x) => `  ${x}`)];
  });
}

function compareText(c: RunComparison): string {
  const v = (x: unknown) => (x === null || x === undefined ? '—' : typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : typeof x === 'string' ? x : JSON.stringify(x));
  const row = (k: string, a: unknown, b: unknown) => `  ${k.padEnd(28)} ${v(a).padStart(16)}  ${v(b).padStart(16)}`;
  return [
    `${''.padEnd(30)} ${`run #${c.a}`.padStart(16)}  ${`run #${c.b}`.padStart(16)}`,
    c.parameters.length ? 'parameters that differ:' : 'parameters: the same',
    ...c.parameters.map((p) => row(p.key, p.a, p.b)),
    'outcomes:',
    row('first lockup (s)', c.firstLockupSeconds.a, c.firstLockupSeconds.b),
    row('lockups', c.lockups.a, c.lockups.b),
    row('lost IPIs', c.lostIpis.a, c.lostIpis.b),
    ...c.exits.map((e) => row(`guest ${e.guest} exits`, e.a, e.b)),
    row('simulated s / wall s', c.throughput.simSecondsPerWallSecond.a, c.throughput.simSecondsPerWallSecond.b),
    row('IPIs / simulated s', c.throughput.ipisPerSimSecond.a, c.throughput.ipisPerSimSecond.b),
    row('mean CPU busy %', c.throughput.meanBusyPct.a, c.throughput.meanBusyPct.b),
  ].join('\n');
}
