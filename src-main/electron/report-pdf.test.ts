// The desktop PDF printer under plain Node: 'electron' is replaced by a recording fake (as in
// main.test.ts), so the hidden window's lock-down, the request filter, the clean-up and the
// ordering of prints are checked without the Electron binary.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    windows: [] as any[],
    partitions: [] as string[],
    beforeRequest: null as Listener | null,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    /** What the next printToPDF does. */
    print: (_win: any): Promise<Buffer> => Promise.resolve(Buffer.from('%PDF-1.7 fake')),
    log: [] as string[],
  };
  const ses = {
    setPermissionRequestHandler: (fn: Listener) => (state.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Listener) => (state.permissionCheck = fn),
    webRequest: { onBeforeRequest: (fn: Listener) => (state.beforeRequest = fn) },
  };
  class WebContents {
    listeners = new Map<string, Listener>();
    openHandler: Listener | null = null;
    constructor(private readonly win: any) {}
    on(ev: string, fn: Listener) {
      this.listeners.set(ev, fn);
    }
    setWindowOpenHandler(fn: Listener) {
      this.openHandler = fn;
    }
    printToPDF(options: unknown) {
      this.win.printOptions = options;
      state.log.push(`print ${this.win.id}`);
      return state.print(this.win);
    }
  }
  class BrowserWindow {
    static count = 0;
    id = ++BrowserWindow.count;
    webContents = new WebContents(this);
    destroyed = false;
    loaded: { file: string; html: string } | null = null;
    printOptions: unknown;
    constructor(public options: any) {
      state.windows.push(this);
      state.log.push(`open ${this.id}`);
    }
    async loadFile(file: string) {
      // The request filter must let exactly this file through.
      const verdict = await new Promise<{ cancel: boolean }>((r) => state.beforeRequest!({ url: pathToFileURL(file).href }, r));
      if (verdict.cancel) throw new Error('ERR_BLOCKED_BY_CLIENT');
      this.loaded = { file, html: fs.readFileSync(file, 'utf8') };
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
      state.log.push(`destroy ${this.id}`);
    }
  }
  return { state, ses, BrowserWindow };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.BrowserWindow,
  session: {
    fromPartition: (p: string) => {
      fake.state.partitions.push(p);
      return fake.ses;
    },
  },
}));

const { printReportPdf, REPORT_PDF_PARTITION } = await import('./report-pdf');

const HTML = '<!doctype html><title>r</title><section id="configuration"><h2>Configuration</h2></section>';

beforeEach(() => {
  fake.state.windows.length = 0;
  fake.state.log.length = 0;
  fake.state.print = () => Promise.resolve(Buffer.from('%PDF-1.7 fake'));
});

describe('desktop report PDF', () => {
  it('prints the report in a hidden, sandboxed window with JavaScript off, then destroys it and its file', async () => {
    const pdf = await printReportPdf(HTML);
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7 fake');
    const [win] = fake.state.windows;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, webviewTag: false, session: fake.ses });
    expect(win.options.webPreferences.preload).toBeUndefined();
    expect(win.loaded.html).toBe(HTML);
    expect(win.printOptions).toMatchObject({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(win.destroyed).toBe(true);
    expect(fs.existsSync(win.loaded.file)).toBe(false);
    expect(fake.state.partitions).toEqual([REPORT_PDF_PARTITION]);
    expect(REPORT_PDF_PARTITION).not.toMatch(/^persist:/);
  });

  it('lets the hidden window open, navigate and ask for nothing', async () => {
    await printReportPdf(HTML);
    const [win] = fake.state.windows;
    expect(win.webContents.openHandler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    for (const ev of ['will-navigate', 'will-redirect']) {
      const e = { preventDefault: vi.fn() };
      win.webContents.listeners.get(ev)(e, 'https://example.com/');
      expect(e.preventDefault).toHaveBeenCalled();
    }
    const granted = vi.fn();
    fake.state.permissionRequest!(null, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(fake.state.permissionCheck!(null, 'clipboard-read')).toBe(false);
    // Between prints no URL at all is allowed; during one, only its file.
    for (const url of ['https://example.com/x.png', 'file:///etc/passwd', 'data:text/html,x']) {
      const cb = vi.fn();
      fake.state.beforeRequest!({ url }, cb);
      expect(cb).toHaveBeenCalledWith({ cancel: true });
    }
  });

  it('cleans up when printing fails, and the next print still works', async () => {
    fake.state.print = () => Promise.reject(new Error('printing failed'));
    await expect(printReportPdf(HTML)).rejects.toThrow('printing failed');
    const failed = fake.state.windows[0];
    expect(failed.destroyed).toBe(true);
    expect(fs.existsSync(failed.loaded.file)).toBe(false);
    fake.state.print = () => Promise.resolve(Buffer.from('%PDF-ok'));
    expect(Buffer.from(await printReportPdf(HTML)).toString()).toBe('%PDF-ok');
  });

  it('prints one report at a time', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.state.print = async (win) => {
      if (win.id === fake.state.windows[0].id) await held;
      return Buffer.from(`%PDF-${win.id}`);
    };
    const first = printReportPdf(HTML);
    const second = printReportPdf(HTML);
    await vi.waitFor(() => expect(fake.state.log).toContain(`print ${fake.state.windows[0].id}`));
    expect(fake.state.windows).toHaveLength(1);
    release();
    await Promise.all([first, second]);
    const [a, b] = fake.state.windows.map((w) => w.id);
    expect(fake.state.log).toEqual([`open ${a}`, `print ${a}`, `destroy ${a}`, `open ${b}`, `print ${b}`, `destroy ${b}`]);
  });
});
