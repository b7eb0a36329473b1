import type { Command } from 'commander';
import { parseRunId } from '../../host/history/rerun';
import { loadReportRun } from '../../host/report/data';
import { reportFormat, writeReport } from '../../host/report/write';
import { openCliStore } from '../store';
import { CliError } from '../errors';
import { COMMANDS } from '../command-list';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(COMMANDS.report.description)
    .argument('<run-id>', 'stored run id')
    .argument('[run-id2]', 'a second run to compare with')
    .option('--format <fmt>', 'html, json or csv (default: from the -o extension)')
    .requiredOption('-o, --output <file>', 'where to write the report')
    .option('--db <file>', 'the SQLite store (default: $XDG_DATA_HOME/topology-workbench/workbench.db, as twb serve; the desktop app keeps its own)')
    .action((a: string, b: string | undefined, opts: { format?: string; output: string; db?: string }) => {
      let format;
      let ids: number[];
      try {
        format = reportFormat(opts.format, opts.output);
        ids = [a, ...(b === undefined ? [] : [b])].map(parseRunId);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const store = openCliStore(opts.db, 'read');
      try {
        const runs = ids.map((id) => loadReportRun(store, id));
        writeReport(opts.output, format, runs);
      } finally {
        store.close();
      }
    });
}
