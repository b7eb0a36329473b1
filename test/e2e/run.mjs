// Browser end-to-end tests: builds the renderer, starts `twb serve --port 0 --db TMP`, drives
// Debian's Chromium with playwright-core, writes test-results/e2e.json and screenshots.
// Usage: node test/e2e/run.mjs [name-filter]
// env passed to each test: {page, url, db, root, pageErrors, shot(name)}.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = path.join(ROOT, 'test-results');
const SHOTS = path.join(RESULTS, 'screenshots');
const filter = process.argv[2];

// Every test/e2e/*.e2e.mjs exports `tests = [{name, run(env)}]`; the shell's run first (they
// start from an empty store), then the other areas' files in name order.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const files = fs
  .readdirSync(HERE)
  .filter((f) => f.endsWith('.e2e.mjs'))
  .sort((a, b) => (a === 'shell.e2e.mjs' ? -1 : b === 'shell.e2e.mjs' ? 1 : a.localeCompare(b)));
const tests = [];
for (const f of files) tests.push(...(await import(path.join(HERE, f))).tests);

function writeResults(passed, failed) {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'e2e.json'), JSON.stringify({ numPassedTests: passed, numFailedTests: failed }) + '\n');
}

if (!fs.existsSync(CHROMIUM)) {
  console.error(`e2e: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium`);
  writeResults(0, 1);
  process.exit(1);
}

console.log('e2e: building the renderer (electron-vite build)');
const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('e2e: the build failed');
  writeResults(0, 1);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'twb-e2e-'));
const db = path.join(tmp, 'workbench.db');
fs.rmSync(SHOTS, { recursive: true, force: true });
fs.mkdirSync(SHOTS, { recursive: true });

/** Starts `twb serve` and resolves with its one printed URL line. */
function startServer() {
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

const suiteStart = Date.now();
let passed = 0;
let failed = 0;
let server;
let browser;
try {
  server = await startServer();
  console.log(`e2e: server ${server.url.replace(/token=.*/, 'token=…')}`);
  // A fresh profile each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(path.join(tmp, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message} @ ${(e.stack ?? '').split('\n').slice(1, 3).join(' ').trim()}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  const env = { page, url: server.url, db, root: ROOT, pageErrors, shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) }) };
  for (const t of tests) {
    if (filter && !t.name.includes(filter)) continue;
    const started = Date.now();
    try {
      await t.run(env);
      passed++;
      console.log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`  ✗ ${t.name}\n    ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n    ')}`);
      await env.shot(`FAILED-${t.name.replace(/\W+/g, '-')}`).catch(() => {});
    }
  }
} catch (e) {
  failed++;
  console.error(`e2e: ${e.message}`);
} finally {
  await browser?.close().catch(() => {});
  server?.child.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
writeResults(passed, failed);
console.log(`e2e: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - suiteStart) / 1000)} s; screenshots in test-results/screenshots/`);
process.exit(failed ? 1 : 0);
