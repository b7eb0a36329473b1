import { NotFoundError, type HandlerOf } from '../../../../src-common/bridge';
import { FieldError } from '../../../../src-common/parse/field-error';
import { loadReportRun, type ReportRun } from '../../report/data';
import { reportFile } from '../../report/file';
import { NotFoundError as StoreNotFoundError } from '../../store';
import type { HandlerDeps } from './deps';
import { inlineJobs } from '../../run/job-pool';

/**
 * `runs.report`: renders the report of one or two stored runs in main (the renderer only
 * saves the result). PDF needs the desktop app's printer (`deps.printToPdf`); browser mode
 * prints the HTML report in the browser instead.
 */
export function runReportHandler(deps: HandlerDeps): HandlerOf<'runs.report'> {
  return async ({ ids, format }, ctx) => {
    if (format === 'pdf' && !deps.printToPdf)
      throw new FieldError('runs.report.format', "'pdf' is printed by the desktop app; in browser mode print the HTML report and choose Save as PDF");
    const runs = ids.map((id, i): ReportRun => {
      try {
        return loadReportRun(deps.store, id);
      } catch (e) {
        if (e instanceof StoreNotFoundError) throw new NotFoundError(`runs.report.ids[${i}]: no run with id ${id}`);
        throw e;
      }
    });
    // The data is read here (the store belongs to this thread); rendering runs in a job thread.
    if (format === 'pdf') return reportFile(runs, format, deps.printToPdf);
    return (deps.jobs ?? inlineJobs).run('report.render', { runs, format }, ctx.signal);
  };
}
