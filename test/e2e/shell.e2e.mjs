/* global document, location -- functions passed to page.evaluate/waitForFunction run in the page */
// The shell's end-to-end checks, run in order in one page with its own store (fixtures.mjs).
import { test } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { newFromExample, ready } from './page-helpers.mjs';

const currentName = (page) => page.getByTestId('current-workspace').textContent();
const listNames = (page) => page.getByRole('list', { name: 'Workspace list' }).locator('button.open').allTextContents();
const waitSaved = (page) => page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.textContent === 'Saved');

/** Opens a raw socket from Node; resolves 'open' or the refusal's HTTP status. */
function tryUpgrade(url, headers = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('error', (e) => resolve(`error: ${e.message}`));
  });
}

test.describe.configure({ mode: 'serial' });
test('the page is public but sets no cookie: the token is only for the bridge', async ({ url }) => {
  const base = url.replace(/\/\?token=.*/, '/');
  for (const u of [url, base]) {
    const ok = await fetch(u);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('set-cookie'), null);
    assert.match(ok.headers.get('content-security-policy'), /script-src 'self'/);
  }
});

test('the frame renders with toolbar, picker, outline, canvas, inspector and bottom tabs', async ({ page, url, shot }) => {
  await page.goto(url);
  await ready(page);
  // The token stays with its port: off the address bar (kept in sessionStorage for reloads), never a cookie.
  assert.equal(page.url(), url.replace(/\/\?token=.*/, '/'));
  assert.deepEqual(await page.context().cookies(), []);
  await page.getByRole('toolbar', { name: 'Main toolbar' }).waitFor();
  await page.getByRole('heading', { name: 'Workspaces' }).waitFor();
  await page.getByRole('heading', { name: 'Outline' }).waitFor();
  await page.getByRole('heading', { name: 'Inspector' }).waitFor();
  await page.getByTestId('canvas-area').waitFor();
  for (const tab of ['Console', 'Charts', 'Runs', 'Problems']) await page.getByRole('tab', { name: tab }).waitFor();
  // A first start (empty store) opens the seed scenario, with one line saying what to do.
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'seed-power9-ipi-whatif');
  assert.match(await page.getByTestId('first-start-hint').textContent(), /^\s*Unfixed kernel, what-if store timing: press Run and watch a CPU lock up .*; tick both barriers for the fix\.\s+With the timing derived from hardware \(seed-power9-ipi\) the model loses no IPI in 20 h\./);
  assert.equal(await page.getByRole('toolbar', { name: 'Run' }).getByTestId('run-variant').textContent(), 'none (unfixed)');
  await page.locator('[data-testid="canvas-area"] canvas').first().waitFor();
  await page.waitForTimeout(300);
  await shot('01-first-start');
  // The picker offers the examples as "New from example…", not a select showing "Empty".
  await page.getByRole('button', { name: 'New from example…' }).click();
  assert.deepEqual(await page.getByRole('list', { name: 'Examples' }).getByRole('button').allTextContents(), ['aie-demo', 'devices-demo', 'seed-power9-ipi', 'seed-power9-ipi-whatif']);
  await page.keyboard.press('Escape');
  await page.getByRole('list', { name: 'Examples' }).waitFor({ state: 'detached' });
  await page.getByTestId('first-start-hint').getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('first-start-hint').waitFor({ state: 'detached' });
});

test('create a workspace, rename it, reload: it is still there (from SQLite)', async ({ page, db, shot }) => {
  await page.getByRole('button', { name: 'New workspace' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'Untitled');
  await page.getByRole('button', { name: 'Rename Untitled' }).click();
  const input = page.getByRole('textbox', { name: 'New name for Untitled' });
  await input.fill('Lab machine');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'Lab machine');
  await waitSaved(page);
  await shot('02-renamed');
  await page.reload();
  await ready(page);
  assert.deepEqual((await listNames(page)).sort(), ['Lab machine', 'seed-power9-ipi-whatif']);
  assert.equal(await currentName(page), 'Lab machine', 'the last opened workspace reopens');
  const sqlite = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite.prepare("SELECT name, doc FROM workspaces WHERE name = 'Lab machine'").all();
    assert.deepEqual(rows.map((r) => r.name), ['Lab machine']);
    assert.equal(JSON.parse(rows[0].doc).name, 'Lab machine');
  } finally {
    sqlite.close();
  }
});

test('new from the seed template, duplicate, delete', async ({ page, root, shot }) => {
  await newFromExample(page, 'seed-power9-ipi');
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'seed-power9-ipi');
  await page.getByRole('navigation', { name: 'Outline' }).getByText('A', { exact: true }).waitFor(); // guest A of the seed
  const seedName = await currentName(page);
  if (fs.existsSync(path.join(root, 'src-renderer/topology/TopologyCanvas.svelte')))
    await page.locator('[data-testid="canvas-area"] canvas').first().waitFor(); // Cytoscape drew
  await waitSaved(page);
  await shot('03-seed-workspace');
  await page.getByRole('button', { name: `Duplicate ${seedName}`, exact: true }).click();
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: `${seedName} copy`, exact: true }).waitFor();
  const list = page.getByRole('list', { name: 'Workspace list' });
  await list.getByRole('button', { name: `Delete ${seedName} copy` }).click();
  await list.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.waitForFunction((n) => ![...document.querySelectorAll('button.open')].some((b) => b.textContent === n), `${seedName} copy`);
  assert.deepEqual((await listNames(page)).sort(), ['Lab machine', 'seed-power9-ipi-whatif', seedName].sort());
  assert.match(await page.getByRole('alert').count().then(String), /^0$/);
});

test('an edit autosaves; Ctrl+Z undoes it and Ctrl+Shift+Z redoes it', async ({ page, shot }) => {
  const box = page.getByRole('checkbox', { name: 'smp_mb() before set' });
  const before = await box.isChecked();
  await box.click();
  assert.equal(await box.isChecked(), !before);
  await waitSaved(page);
  await page.getByTestId('current-workspace').click(); // focus leaves the checkbox; shortcuts are global
  await page.keyboard.press('Control+z');
  assert.equal(await box.isChecked(), before, 'undo restores');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await box.isChecked(), !before, 'redo reapplies');
  await waitSaved(page);
  await shot('05-after-redo');
  await page.reload();
  await ready(page);
  assert.equal(await page.getByRole('checkbox', { name: 'smp_mb() before set' }).isChecked(), !before, 'the redone edit was saved');
});

test('dark theme toggles and persists over a reload', async ({ page, shot }) => {
  await page.getByTestId('theme-toggle').click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await shot('04-dark');
  await page.getByTestId('theme-toggle').click();
});

test('bottom tabs and the picker work from the keyboard', async ({ page }) => {
  await page.getByRole('tab', { name: 'Console' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'Charts' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim().startsWith('Problems')), true);
  await page.getByRole('button', { name: 'New workspace' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="current-workspace"]')?.textContent === 'Untitled');
});

test('a tokenless or foreign-origin WebSocket is refused', async ({ url }) => {
  const u = new URL(url);
  const ws = `ws://${u.host}/bridge`;
  assert.equal(await tryUpgrade(ws), 401);
  assert.equal(await tryUpgrade(`${ws}?token=nope`), 401);
  assert.equal(await tryUpgrade(`${ws}?token=${u.searchParams.get('token')}`, { origin: 'http://evil.example' }), 403);
  assert.equal(await tryUpgrade(`${ws}?token=${u.searchParams.get('token')}`, { origin: `http://${u.host}` }), 'open');
});

test('an invalid request over the socket gets a typed error and the next request works', async ({ page }) => {
  const replies = await page.evaluate(async () => {
    const token = sessionStorage.getItem('twb.token') ?? new URLSearchParams(location.search).get('token');
    const ws = new WebSocket(`ws://${location.host}/bridge?token=${token}`);
    await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
    const ask = (text) =>
      new Promise((r) => {
        ws.onmessage = (e) => r(JSON.parse(e.data));
        ws.send(text);
      });
    const out = [
      await ask('{not json'),
      await ask(JSON.stringify({ id: 1, method: 'workspaces.rename', arg: { id: -3, name: '' } })),
      await ask(JSON.stringify({ id: 2, method: 'system.exec', arg: 'rm -rf /' })),
      await ask(JSON.stringify({ id: 3, method: 'workspaces.list' })),
    ];
    ws.close();
    return out;
  });
  assert.equal(replies[0].error.name, 'ValidationError');
  assert.equal(replies[1].error.name, 'ValidationError');
  assert.match(replies[1].error.message, /workspaces\.rename\.id/);
  assert.equal(replies[2].error.name, 'UnknownMethodError');
  assert.equal(replies[3].ok, true);
  assert.ok(replies[3].value.some((w) => w.name === 'Lab machine'));
});

test('the shell has no serious accessibility violations (axe)', async ({ page }) => {
  const result = await new AxeBuilder({ page }).exclude('[data-testid="canvas-area"]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), []);
});

test('no script errors or CSP violations in the page', async ({ pageErrors }) => {
  assert.deepEqual(pageErrors, []);
});

test('the outline selects what it names: a socket, a core, a guest show selected on the drawing', async ({ page }) => {
  const outline = page.getByRole('navigation', { name: 'Outline' });
  const selectedIds = () => page.evaluate(() => document.querySelector('[data-testid="topology-canvas"]').cy.$(':selected').map((e) => e.id()));
  // Open the seed workspace made above.
  const seed = 'seed-power9-ipi';
  await page.getByRole('list', { name: 'Workspace list' }).getByRole('button', { name: seed, exact: true }).click();
  await outline.getByRole('button', { name: 'Socket 1', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="topology-canvas"]')?.cy?.getElementById('pkg:1').selected());
  assert.deepEqual(await selectedIds(), ['pkg:1']);
  await outline.getByRole('button', { name: 'Open socket 1' }).click();
  await outline.getByRole('button', { name: 'Core 17', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="topology-canvas"]').cy.getElementById('core:17').selected());
  await outline.getByRole('button', { name: 'B', exact: true }).press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="topology-canvas"]').cy.getElementById('guest:B').selected());
  assert.deepEqual(await selectedIds(), ['guest:B']);
  assert.equal(await outline.getByRole('button', { name: 'B', exact: true }).getAttribute('aria-pressed'), 'true');
  assert.equal((await page.getByTestId('outline-devices').textContent()).trim(), 'none', 'the seed has no devices');
});

test('the bottom panel: resized by keyboard and by dragging its splitter, remembered over a reload, maximised and restored', async ({ page, shot }) => {
  const panel = page.getByTestId('bottom-panel');
  const height = async () => Math.round((await panel.boundingBox()).height);
  const h0 = await height();
  const splitter = page.getByRole('separator', { name: 'Resize the bottom panel' });
  await splitter.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await height(), h0 + 48);
  const s = await splitter.boundingBox();
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2 - 60, { steps: 6 });
  await page.mouse.up();
  assert.equal(await height(), h0 + 108);
  await page.reload();
  await ready(page);
  assert.equal(await height(), h0 + 108, 'the height is remembered');
  await page.getByTestId('bottom-maximise').click();
  assert.ok((await height()) > 600, `maximised: ${await height()} px`);
  assert.equal(await page.getByTestId('bottom-maximise').getAttribute('aria-pressed'), 'true');
  await shot('06-bottom-maximised');
  await page.getByTestId('bottom-maximise').click();
  assert.equal(await height(), h0 + 108);
  await splitter.focus();
  await page.keyboard.press('Home');
  assert.equal(await height(), 120);
  await page.keyboard.press('PageUp');
  await page.keyboard.press('ArrowUp');
  assert.equal(await height(), 120 + 5 * 24);
});
