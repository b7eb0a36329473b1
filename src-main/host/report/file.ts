import type { RunReportFile, RunReportFormat } from '../../../src-common/bridge/areas/runs';
import { renderCsv } from './csv';
import type { ReportRun } from './data';
import { renderHtml } from './html';
import { renderJson } from './write';

/** Prints a self-contained HTML page to PDF bytes (the desktop app: Electron's printToPDF). */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

const MIME_TYPES: Record<RunReportFormat, string> = {
  html: 'text/html;charset=utf-8',
  json: 'application/json',
  csv: 'text/csv;charset=utf-8',
  pdf: 'application/pdf',
};

/** `twb-run-12.html`, or `twb-runs-12-vs-15.html` for a comparison. */
export function reportFileName(ids: readonly number[], format: RunReportFormat): string {
  return ids.length === 1 ? `twb-run-${ids[0]}.${format}` : `twb-runs-${ids.join('-vs-')}.${format}`;
}

/**
 * A report as a file for the UI to save: text formats as is, PDF as base64 of what `printPdf`
 * makes of the HTML report (the HTML's print CSS lays out the pages).
 */
export async function reportFile(runs: readonly ReportRun[], format: RunReportFormat, printPdf?: PdfPrinter): Promise<RunReportFile> {
  const base = { filename: reportFileName(runs.map((r) => r.id), format), mimeType: MIME_TYPES[format] };
  if (format === 'pdf') {
    if (!printPdf) throw new Error('no PDF printer in this process');
    const bytes = await printPdf(renderHtml(runs));
    return { ...base, encoding: 'base64', content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
  const content = format === 'html' ? renderHtml(runs) : format === 'json' ? renderJson(runs) : renderCsv(runs);
  return { ...base, encoding: 'utf8', content };
}
