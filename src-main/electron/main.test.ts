// The desktop main process under plain Node: 'electron' is replaced by a recording fake, so
// the window's security options, navigation rules and the IPC bridge are checked without the
// Electron binary (which cannot be downloaded on CI machines).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-electron-'));
type Listener = (...args: any[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    windows: [] as any[],
    ipcHandlers: new Map<string, Listener>(),
    appListeners: new Map<string, Listener[]>(),
    sessionListeners: new Map<string, Listener>(),
    ready: null as null | (() => void),
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, Listener>(),
    permissionCheck: null as Listener | null,
    devicePermission: null as Listener | null,
  };
  class WebContents {
    listeners = new Map<string, Listener>();
    openHandler: Listener | null = null;
    sent: unknown[][] = [];
    mainFrame = { url: '' };
    on(ev: string, fn: Listener) {
      this.listeners.set(ev, fn);
    }
    setWindowOpenHandler(fn: Listener) {
      this.openHandler = fn;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }
  class BrowserWindow {
    webContents = new WebContents();
    url = '';
    constructor(public options: any) {
      state.windows.push(this);
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    loadURL(url: string) {
      this.url = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
  }
  return { state, BrowserWindow };
});

vi.mock('electron', () => ({
  app: {
    whenReady: () => new Promise<void>((resolve) => (fake.state.ready = resolve)),
    getPath: () => userData,
    getAppPath: () => userData,
    getVersion: () => '9.9.9',
    isPackaged: false,
    on: (ev: string, fn: Listener) => fake.state.appListeners.set(ev, [...(fake.state.appListeners.get(ev) ?? []), fn]),
    quit: () => {},
    exit: () => {},
  },
  BrowserWindow: fake.BrowserWindow,
  dialog: { showErrorBox: () => {} },
  ipcMain: { handle: (ch: string, fn: Listener) => fake.state.ipcHandlers.set(ch, fn) },
  session: {
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: (fn: Listener) => (fake.state.permissionCheck = fn),
      setDevicePermissionHandler: (fn: Listener) => (fake.state.devicePermission = fn),
      on: (ev: string, fn: Listener) => fake.state.sessionListeners.set(ev, fn),
      webRequest: { onHeadersReceived: vi.fn() },
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => fake.state.schemes.push(...s),
    handle: (scheme: string, fn: Listener) => fake.state.protocolHandlers.set(scheme, fn),
  },
  net: { fetch: async () => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }) },
}));

let win: any;
beforeAll(async () => {
  await import('./main');
  fake.state.ready!();
  await vi.waitFor(() => expect(fake.state.windows.length).toBe(1));
  win = fake.state.windows[0];
});
afterAll(() => {
  for (const fn of fake.state.appListeners.get('will-quit') ?? []) fn();
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('desktop main process', () => {
  it('opens a sandboxed, isolated window without Node in the page', () => {
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(win.options.webPreferences.preload).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.url).toBe('app://bundle/index.html');
  });

  it('serves the renderer on its own app:// scheme with the CSP, and nothing outside it', async () => {
    expect(fake.state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const serve = fake.state.protocolHandlers.get('app')!;
    const page = (await serve(new Request('app://bundle/index.html'))) as Response;
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const bad of ['app://bundle/a/..%2f..%2f..%2fetc/passwd', 'app://other/index.html', 'app://bundle/%E0%A4%A'])
      expect(((await serve(new Request(bad))) as Response).status).toBe(404);
  });

  it('denies every permission check and device chooser', () => {
    expect(fake.state.permissionCheck!(null, 'media', 'app://bundle', {})).toBe(false);
    expect(fake.state.devicePermission!({ deviceType: 'hid' })).toBe(false);
    for (const ev of ['select-hid-device', 'select-serial-port', 'select-usb-device']) {
      const e = { preventDefault: vi.fn() };
      const cb = vi.fn();
      const fn = fake.state.sessionListeners.get(ev)!;
      if (ev === 'select-serial-port') fn(e, [], null, cb);
      else fn(e, {}, cb);
      expect(e.preventDefault).toHaveBeenCalled();
      expect(cb.mock.calls[0]?.[0] ?? '').toBe('');
    }
    const e = { preventDefault: vi.fn() };
    const cb = vi.fn();
    win.webContents.listeners.get('select-bluetooth-device')(e, [{ deviceId: 'x' }], cb);
    expect(cb).toHaveBeenCalledWith('');
  });

  it('denies window.open and navigation away from the app', () => {
    expect(win.webContents.openHandler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const e = { preventDefault: vi.fn() };
    win.webContents.listeners.get('will-navigate')(e, 'https://example.com/');
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('serves the bridge over IPC to its own page and refuses other senders', async () => {
    const handle = fake.state.ipcHandlers.get('twb:request')!;
    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await handle(own, { id: 1, method: 'app.info' })).toMatchObject({ id: 1, ok: true, value: { mode: 'electron', version: '9.9.9' } });
    expect(await handle(own, { id: 2, method: 'nope' })).toMatchObject({ ok: false, error: { name: 'UnknownMethodError' } });
    const created = await handle(own, { id: 3, method: 'workspaces.create', arg: { name: 'desk' } });
    expect(created).toMatchObject({ ok: true, value: { name: 'desk' } });
    expect(win.webContents.sent.some(([ch]: [string]) => ch === 'twb:event')).toBe(true);
    const foreign = { sender: win.webContents, senderFrame: { url: 'https://evil.example/' } };
    expect(await handle(foreign, { id: 4, method: 'app.info' })).toMatchObject({ ok: false, error: { name: 'ForbiddenError' } });
    expect(fs.existsSync(path.join(userData, 'workbench.db'))).toBe(true);
  });

  it('lists the built-in workspaces (resources found from the main process)', async () => {
    const handle = fake.state.ipcHandlers.get('twb:request')!;
    const r = (await handle({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, { id: 5, method: 'app.builtins' })) as { value: { name: string }[] };
    expect(r.value.map((b) => b.name)).toContain('seed-power9-ipi');
  });

  it('makes PDF reports itself (browser mode refuses the format; here the run id is what is missing)', async () => {
    const handle = fake.state.ipcHandlers.get('twb:request')!;
    const r = await handle({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, { id: 6, method: 'runs.report', arg: { ids: [77], format: 'pdf' } });
    expect(r).toMatchObject({ ok: false, error: { name: 'NotFoundError', message: 'runs.report.ids[0]: no run with id 77' } });
  });
});
