import type { PdfPrinter } from '../../report/file';
import type { Store } from '../../store';
import type { JobRunner } from '../../run/job-pool';
import type { LiveRuns } from './live-runs';

/** What the bridge handlers need from the process hosting them. */
export interface HandlerDeps {
  store: Store;
  version: string;
  mode: 'electron' | 'browser' | 'test';
  /** Prints an HTML report to PDF (the desktop app's printToPDF); absent in browser mode. */
  printToPdf?: PdfPrinter;
  /** Where heavy requests run: the job threads (browser mode, the desktop app); in-process when absent (tests). */
  jobs?: JobRunner;
  /** The live run (browser mode keeps it to stop it on SIGTERM); one is made when absent. */
  liveRuns?: LiveRuns;
}
