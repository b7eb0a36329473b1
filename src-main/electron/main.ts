// The desktop app's main process: one sandboxed window, the SQLite store, and the bridge over
// IPC. The only place (with the preload) that imports 'electron'.
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, type IpcMainInvokeEvent, type Session } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_EVENT, IPC_REQUEST, type ReplyMessage } from '../../src-common/bridge/protocol';
import { ForbiddenError, toWire } from '../../src-common/bridge/errors';
import { openStore, type Store } from '../host/store';
import { createBridgeHost } from '../host/server/handlers';
import { JobPool } from '../host/run/job-pool';
import { APP_SCHEME, ELECTRON_CSP, appFilePath, entryUrl, isAllowedNavigation, isTrustedSender } from './policy';
import { printReportPdf } from './report-pdf';

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/index.cjs');
const RENDERER_DIR = path.join(here, '../renderer');
/** The built page on the app scheme; electron-vite's dev server only when not packaged. */
const ENTRY_URL = entryUrl(app.isPackaged, process.env);

// app://bundle/… is a standard, secure scheme (same-origin rules, CSP 'self' apply); it must be
// registered before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

/** Serves the built renderer on app://bundle/, nothing outside it, every page with the CSP. */
async function serveAppFile(request: Request): Promise<Response> {
  const file = appFilePath(request.url, RENDERER_DIR, path.sep);
  if (!file) return new Response('not found', { status: 404 });
  const r = await net.fetch(pathToFileURL(file).href);
  const headers = new Headers(r.headers);
  headers.set('content-security-policy', ELECTRON_CSP);
  headers.set('x-content-type-options', 'nosniff');
  return new Response(r.body, { status: r.status, headers });
}

/**
 * Every permission (notifications, media, geolocation, …) and every device chooser (HID,
 * serial, USB, Bluetooth) is refused: the workbench needs none, and the renderer is untrusted.
 */
function denyPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-hid-device', (e, _details, callback) => {
    e.preventDefault();
    callback('');
  });
  ses.on('select-serial-port', (e, _ports, _wc, callback) => {
    e.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (e, _details, callback) => {
    e.preventDefault();
    callback();
  });
}

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
  win.webContents.on('select-bluetooth-device', (e, _devices, callback) => {
    e.preventDefault();
    callback('');
  });
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

  denyPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, serveAppFile);
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
