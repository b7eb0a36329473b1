import fs from 'node:fs';
import path from 'node:path';
import { compareRuns } from '../history/compare';
import { renderCsv } from './csv';
import type { ReportRun } from './data';
import { renderHtml } from './html';

export const REPORT_FORMATS = ['html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The JSON report: every run with all its detail, and the comparison when two are given. */
export function renderJson(runs: readonly ReportRun[], generatedAt = new Date().toISOString()): string {
  const doc = { format: 'topology-workbench-report', version: 1, generatedAt, runs, ...(runs.length === 2 ? { comparison: compareRuns(runs[0], runs[1]) } : {}) };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function renderReport(format: ReportFormat, runs: readonly ReportRun[]): string {
  if (format === 'html') return renderHtml(runs);
  if (format === 'json') return renderJson(runs);
  return renderCsv(runs);
}

/** Renders fully before touching the file, then writes it atomically (temp file + rename). */
export function writeReport(file: string, format: ReportFormat, runs: readonly ReportRun[]): void {
  writeTextAtomic(file, renderReport(format, runs));
}

/** Writes `text` to a temp file beside `file`, then renames it over `file`: readers never see half a report. */
export function writeTextAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** The format named by `--format`, else by the output file's extension. */
export function reportFormat(flag: string | undefined, file: string): ReportFormat {
  const f = (flag ?? path.extname(file).slice(1)).toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(f)) return f as ReportFormat;
  throw new Error(flag === undefined ? `--format: not given and '${file}' has no html/json/csv extension` : `--format: expected one of ${REPORT_FORMATS.join(', ')}, got '${flag}'`);
}
