import type { RunReportFile } from '../../src-common/bridge/areas/runs';
import { reportBlob } from './report-file';

/** How long a download's blob: URL stays valid (the browser reads it when the download starts). */
const REVOKE_AFTER_MS = 60_000;

/**
 * Saves the report through the browser's own download (Blob + `<a download>`): browser mode
 * writes it to the downloads folder, the desktop app asks where (Electron's download dialog).
 */
export function saveReport(file: RunReportFile, doc: Document = document): void {
  const url = URL.createObjectURL(reportBlob(file));
  const a = doc.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** Marks the one frame used for printing (replaced by the next print). */
export const PRINT_FRAME_ATTR = 'data-report-print';

/**
 * Browser mode's PDF: the self-contained HTML report in an invisible frame, then the frame's
 * print() — the browser's dialog offers "Save as PDF", and the report's print CSS lays out
 * the pages. The frame is sandboxed without scripts (the report has none; its CSP forbids
 * them): same origin only so that we may call its print(), modals so that print() is allowed.
 */
export function printReport(html: string, doc: Document = document): HTMLIFrameElement {
  doc.querySelector(`iframe[${PRINT_FRAME_ATTR}]`)?.remove();
  const frame = doc.createElement('iframe');
  frame.setAttribute(PRINT_FRAME_ATTR, '');
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'Report to print';
  // Zero-sized rather than display:none, which some browsers print as an empty page.
  frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0';
  frame.addEventListener('load', () => frame.contentWindow?.print(), { once: true });
  frame.srcdoc = html;
  doc.body.append(frame);
  return frame;
}
