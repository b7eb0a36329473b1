// The desktop app's main process: one sandboxed window, the SQLite store, and the bridge over
// IPC. The only place (with the preload) that imports 'electron'.
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_EVENT, IPC_REQUEST, type ReplyMessage } from '../../src-common/bridge/protocol';
import { ForbiddenError, toWire } from '../../src-common/bridge/errors';
import { openStore, type Store } from '../host/store';
import { createBridgeHost } from '../host/server/handlers';
import { JobPool } from '../host/run/job-pool';
import { ELECTRON_CSP, isAllowedNavigation, isTrustedSender } from './policy';
import { printReportPdf } from './report-pdf';

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/index.cjs');
const INDEX_HTML = path.join(here, '../renderer/index.html');
/** electron-vite dev sets this to its dev server; otherwise the built page. */
const ENTRY_URL = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(INDEX_HTML).href;

/**
 * better-sqlite3 must be compiled for Electron's ABI, which differs from Node's. The desktop
 * build ships that binary beside the app (docs/storage.md, "Desktop build"); tests, CLI and browser
 * mode keep using the Node build from node_modules.
 */
function electronSqliteBinding(): string | undefined {
  const candidates = [process.env.TWB_SQLITE_BINDING, path.join(app.getAppPath(), 'native/electron/better_sqlite3.node')];
  return candidates.find((f): f is string => !!f && fs.existsSync(f));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Topology Workbench',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, ENTRY_URL)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isAllowedNavigation(url, ENTRY_URL)) e.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(ENTRY_URL);
  return win;
}

let store: Store | undefined;
let jobs: JobPool | undefined;

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void app.whenReady().then(() => {
  try {
    store = openStore(path.join(app.getPath('userData'), 'workbench.db'), { nativeBinding: electronSqliteBinding() });
  } catch (e) {
    // Typically a Node-ABI better-sqlite3 without the Electron build (docs/storage.md, "Desktop build").
    dialog.showErrorBox('Topology Workbench cannot open its database', `${(e as Error).message}\n\nBrowser mode still works: npx twb serve`);
    app.exit(1);
    return;
  }
  // Heavy requests (device and AIE runs, imports, reports) run on job threads, never on this one.
  jobs = new JobPool();
  const host = createBridgeHost({ store, version: app.getVersion(), mode: 'electron', printToPdf: printReportPdf, jobs });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CSP] } });
  });

  const win = createWindow();
  ipcMain.handle(IPC_REQUEST, (e: IpcMainInvokeEvent, req: unknown): Promise<ReplyMessage> | ReplyMessage => {
    const frame = e.senderFrame;
    if (e.sender !== win.webContents || !isTrustedSender(frame?.url, ENTRY_URL, frame === e.sender.mainFrame))
      return { id: null, ok: false, error: toWire(new ForbiddenError('IPC from an untrusted frame')) };
    return host.dispatch(req);
  });
  host.subscribe((msg) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, msg);
  });
  win.on('closed', () => app.quit());
});

app.on('window-all-closed', () => app.quit());
app.on('will-quit', () => {
  void jobs?.close();
  store?.close();
});
