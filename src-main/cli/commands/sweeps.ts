import type { Command } from 'commander';
import fs from 'node:fs';
import type { Store } from '../../host/store';
import { openCliStore } from '../store';
import { writeSweepReport } from '../../host/sweep/report-html';
import { listItem, summarizeSweep, sweepReport } from '../../host/sweep/summarize';
import { compareText, sweepListText, sweepText } from '../../host/sweep/text';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

const DB_HELP = 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve)';

function withStore<T>(db: string | undefined, purpose: 'read' | 'write', f: (store: Store) => T): T {
  const store = openCliStore(db, purpose);
  try {
    return f(store);
  } catch (e) {
    throw new CliError((e as Error).message);
  } finally {
    store.close();
  }
}

function sweepId(text: string): number {
  const m = /^#?(\d{1,15})$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new CliError(`sweep id: expected a positive integer, got '${text.slice(0, 40)}'`);
  return Number(m[1]);
}

const view = (s: Store, id: number) => summarizeSweep(s.sweeps.get(id), s.sweeps.runs(id));

export function registerSweeps(program: Command): void {
  const sweeps = program.command('sweeps').description(COMMANDS.sweeps.description);
  sweeps
    .command('list')
    .description('list stored sweeps, newest first: id, workspace, status, runs stored, seeds, grid, duration')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON')
    .action((opts: { db?: string; json?: boolean }) => {
      const list = withStore(opts.db, 'read', (s) => s.sweeps.list().map(listItem));
      console.log(opts.json ? JSON.stringify(list, null, 2) : sweepListText(list));
    });
  sweeps
    .command('show')
    .description('per configuration: runs, lockups, P(lockup) with a 95% Wilson interval, lost IPIs per hour, first-lockup quartiles')
    .argument('<sweep-id>')
    .option('--db <file>', DB_HELP)
    .option('--json <file>', 'write the results as JSON (the shape of twb sweep --json)')
    .option('--report <file.html>', 'write the HTML report with the survival curves')
    .option('--runs', 'also list every run: seed, run id, first soft lockup, lost IPIs')
    .action((id: string, opts: { db?: string; json?: string; report?: string; runs?: boolean }) => {
      const v = withStore(opts.db, 'read', (s) => view(s, sweepId(id)));
      if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(sweepReport(v), null, 2) + '\n');
      if (opts.report) writeSweepReport(opts.report, v);
      console.log(sweepText(v));
      if (opts.runs)
        for (const c of v.configurations)
          for (const p of c.points)
            console.log(
              `${c.key}  seed ${p.seed}  run #${p.runId ?? '—'}  ${p.status}  ${p.firstSoftLockup === null ? 'no soft lockup' : `first soft lockup ${p.firstSoftLockup.toFixed(3)} s`}  ended ${p.endedAt.toFixed(3)} s  ${p.lostIpis} lost IPIs${p.error ? `  ${p.error}` : ''}`,
            );
    });
  sweeps
    .command('compare')
    .description('compare P(lockup) (difference with a 95% Newcombe interval) and survival curves (log-rank p): every configuration of one sweep against its first, or the same configurations of two sweeps')
    .argument('<sweep-a>')
    .argument('[sweep-b]')
    .option('--db <file>', DB_HELP)
    .action((a: string, b: string | undefined, opts: { db?: string }) => {
      const text = withStore(opts.db, 'read', (s) => {
        const va = view(s, sweepId(a));
        if (b === undefined && va.configurations.length < 2) throw new CliError(`sweep #${va.sweep.id} has one configuration: name a second sweep to compare with`);
        return compareText(va, b === undefined ? undefined : view(s, sweepId(b)));
      });
      console.log(text);
    });
  sweeps
    .command('delete')
    .description('delete stored sweeps with the runs they stored')
    .argument('<sweep-id...>')
    .option('--db <file>', DB_HELP)
    .action((ids: string[], opts: { db?: string }) => {
      const list = ids.map(sweepId);
      withStore(opts.db, 'write', (s) => s.db.transaction(() => list.forEach((i) => s.sweeps.delete(i)))());
      console.log(`deleted ${list.map((i) => `sweep #${i}`).join(', ')}`);
    });
}
