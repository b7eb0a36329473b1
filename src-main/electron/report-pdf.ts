// The desktop app's PDF reports: the report's self-contained HTML printed with printToPDF in a
// hidden window that can do nothing else — sandboxed, no preload, JavaScript off, its own
// in-memory session that refuses every request but the report file and every permission.
import { BrowserWindow, session, type PrintToPDFOptions, type Session } from 'electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** No `persist:` prefix: the session lives in memory only. */
export const REPORT_PDF_PARTITION = 'twb-report-pdf';

/** A4 unless the report's `@page` says otherwise; backgrounds kept (thread tints, table heads). */
export const REPORT_PDF_OPTIONS: PrintToPDFOptions = { pageSize: 'A4', printBackground: true, preferCSSPageSize: true };

/** The one URL the report session may load, while a print is under way. */
let allowedUrl: string | null = null;
let reportSession: Session | null = null;
/** Prints run one after another: each owns `allowedUrl` while it runs. */
let queue: Promise<unknown> = Promise.resolve();

/** Same document? (Chromium may normalise the file URL it reports.) */
function isAllowed(url: string): boolean {
  if (allowedUrl === null) return false;
  try {
    return new URL(url).href.split('#')[0] === new URL(allowedUrl).href;
  } catch {
    return false;
  }
}

function getReportSession(): Session {
  if (reportSession) return reportSession;
  const ses = session.fromPartition(REPORT_PDF_PARTITION);
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowed(details.url) }));
  reportSession = ses;
  return ses;
}

/** `HandlerDeps.printToPdf` in the desktop app: the HTML report → PDF bytes. */
export function printReportPdf(html: string): Promise<Uint8Array> {
  const job = queue.then(() => printOne(html));
  queue = job.catch(() => {});
  return job;
}

async function printOne(html: string): Promise<Uint8Array> {
  // A file rather than a data: URL, which Chromium caps at 2 MB.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-report-pdf-'));
  const file = path.join(dir, 'report.html');
  let win: BrowserWindow | null = null;
  try {
    fs.writeFileSync(file, html, { mode: 0o600 });
    const ses = getReportSession();
    allowedUrl = pathToFileURL(file).href;
    win = new BrowserWindow({
      show: false,
      width: 1100,
      height: 1400,
      webPreferences: {
        session: ses,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        javascript: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    win.webContents.on('will-redirect', (e) => e.preventDefault());
    await win.loadFile(file);
    const pdf = await win.webContents.printToPDF(REPORT_PDF_OPTIONS);
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    allowedUrl = null;
    if (win && !win.isDestroyed()) win.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
