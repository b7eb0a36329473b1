import type { Command } from 'commander';
import { formatDuration } from '../../../src-common/parse/duration';
import { defaultStorePath, openStore } from '../../host/store';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('stored simulation runs');
  runs
    .command('list')
    .description('list stored runs, newest first: id, workspace, seed, status, started, simulated duration')
    .option('--db <file>', 'the SQLite store (default: the desktop app\'s store)')
    .option('--json', 'print JSON: [{id, workspace, seed, status, started, simulatedSeconds}]')
    .action((opts: { db?: string; json?: boolean }) => {
      const store = openStore(opts.db ?? defaultStorePath());
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
}
