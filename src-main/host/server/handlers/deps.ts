import type { PdfPrinter } from '../../report/file';
import type { Store } from '../../store';

/** What the bridge handlers need from the process hosting them. */
export interface HandlerDeps {
  store: Store;
  version: string;
  mode: 'electron' | 'browser' | 'test';
  /** Prints an HTML report to PDF (the desktop app's printToPDF); absent in browser mode. */
  printToPdf?: PdfPrinter;
}
