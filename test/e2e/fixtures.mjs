// The e2e tests' fixtures for @playwright/test (playwright.config.mjs): every test FILE gets
// its own store and server (`twb serve --port 0 --db TMP`), its own browser context and one
// page, shared by that file's tests in order (each file is `serial`: a failure skips the rest
// of its file, never another file's tests).
//
// Fixtures a test can ask for: page, url (with the token), db (the SQLite file), root (the
// repository), pageErrors (script errors and console errors seen so far in this file's page),
// shot(name) (saves test-results/screenshots/NAME.png), and `tool` to skip with the reason
// when an optional system tool is missing.
import { test as base } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS = path.join(ROOT, 'test-results/screenshots');

/** Starts `twb serve` on an ephemeral port with its own store; resolves with its printed URL line. */
function startServer(tmp, db) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/twb.js'), 'serve', '--port', '0', '--db', db], {
    cwd: ROOT,
    env: { ...process.env, XDG_DATA_HOME: path.join(tmp, 'xdg') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('twb serve printed no URL within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`twb serve exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, url: line.trim() });
    });
  });
}

/** One file's world: a server with an empty store, a fresh context and its page. */
async function openApp(browser, file) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-e2e-'));
  const db = path.join(tmp, 'workbench.db');
  const server = await startServer(tmp, db);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message} @ ${(e.stack ?? '').split('\n').slice(1, 3).join(' ').trim()}`));
  page.on('console', (m) => {
    // The trace recorder injects its snapshot script into every frame; in the report's print
    // frame (sandboxed without scripts, on purpose) Chromium blocks it and says so. Ours has none.
    if (m.type() === 'error' && !/^Blocked script execution in 'about:srcdoc'.*'allow-scripts'/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
  });
  return { file, tmp, db, server, context, page, pageErrors };
}

async function closeApp(app) {
  if (!app) return;
  await app.context.close().catch(() => {});
  app.server.child.kill('SIGTERM');
  fs.rmSync(app.tmp, { recursive: true, force: true });
}

export const test = base.extend({
  // Holds the current file's world for the worker; the next file's first test replaces it.
  _fileApp: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
    async ({}, use) => {
      const holder = { app: null };
      await use(holder);
      await closeApp(holder.app);
    },
    { scope: 'worker' },
  ],
  app: async ({ _fileApp, browser }, use, testInfo) => {
    if (_fileApp.app?.file !== testInfo.file) {
      await closeApp(_fileApp.app);
      _fileApp.app = null;
      _fileApp.app = await openApp(browser, testInfo.file);
    }
    await use(_fileApp.app);
  },
  page: async ({ app }, use) => use(app.page),
  context: async ({ app }, use) => use(app.context),
  url: async ({ app }, use) => use(app.server.url),
  db: async ({ app }, use) => use(app.db),
  pageErrors: async ({ app }, use) => use(app.pageErrors),
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
  root: async ({}, use) => use(ROOT),
  shot: async ({ app }, use) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await use((name) => app.page.screenshot({ path: path.join(SHOTS, `${name}.png`) }));
  },
});

/**
 * Skips the calling test, saying why, when the optional tool at `file` is not installed
 * (CI installs it; a developer machine may not have it).
 */
export function needTool(file, pkg) {
  const missing = !fs.existsSync(file);
  if (missing) console.log(`    skipped: ${file} is not installed (apt-get install ${pkg})`);
  test.skip(missing, `${file} is not installed (apt-get install ${pkg})`);
}

export { expect } from '@playwright/test';
